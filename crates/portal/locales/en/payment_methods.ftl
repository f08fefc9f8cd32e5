# The payment-methods pages: the list, the card form and the test 3-D Secure page.

pm-back = Back to billing overview
pm-back-to-list = Back to payment methods
pm-make-default = Make default
pm-remove = Remove
pm-done-added = Your card was added.
pm-done-default = Your default payment method was changed.
pm-done-removed = The payment method was removed.
pm-refused-keep-one = This is your only payment method, and a subscription is paid with it automatically. Add another payment method first, then remove this one.
pm-refused-subscription-default = A subscription is set to be paid with this payment method, so it can't be removed here. Contact us to change how that subscription is paid.
# $message: the server's own (English) explanation, shown when nothing better is known.
pm-error-unknown = Something went wrong: { $message }

pm-type-card = Card
pm-type-us-bank-account = US bank account
pm-type-sepa-debit = SEPA Direct Debit
pm-type-bacs-debit = Bacs Direct Debit
pm-type-au-becs-debit = BECS Direct Debit
pm-type-acss-debit = Pre-authorized debit
pm-type-link = Link
pm-type-paypal = PayPal
pm-type-cashapp = Cash App Pay
pm-type-amazon-pay = Amazon Pay
pm-type-boleto = Boleto

pm-add-title = Add a card
pm-test-mode = Test mode: use a test card such as 4242 4242 4242 4242, any future date and any three-digit code.
pm-card-name = Name on card
pm-card-number = Card number
pm-card-expiry = Expiry date
pm-card-expiry-hint = MM/YY, as printed on the card
pm-card-cvc = Security code
pm-card-cvc-hint = 3 digits on the back (4 on the front for American Express)
pm-card-postal-code = Postal code (optional)
pm-becomes-default = This card will become your default payment method.
pm-save-card = Save card
pm-cancel = Cancel

pm-error-name-missing = Enter the name shown on the card.
pm-error-number-missing = Enter your card number.
pm-error-number-invalid = A card number has only digits. Check it and try again.
pm-error-number-incorrect = This card number is not correct. Check it and try again.
pm-error-expiry-missing = Enter the expiry date.
pm-error-expiry-format = Enter the expiry date as MM/YY, for example 04/30.
pm-error-expiry-month = The expiry month must be between 01 and 12.
pm-error-expiry-past = This expiry date is in the past.
pm-error-cvc-missing = Enter the security code.
pm-error-cvc-invalid = The security code is 3 digits (4 for American Express).
pm-decline-generic = Your card was declined. Try another card, or contact your bank.
pm-decline-insufficient-funds = Your card has insufficient funds. Try another card.
pm-decline-expired = This card has expired. Try another card.
pm-decline-incorrect-cvc = The security code is incorrect. Check it and try again.
pm-decline-processing = We could not reach your bank. Please try again in a moment.
pm-decline-authentication = Your bank asked to confirm this card, and it was not confirmed. Try again or use another card.
pm-decline-authentication-failed = Your bank could not confirm this card. Try again or use another card.

pm-auth-title = Confirm your card
pm-auth-test-page = Test authentication page
pm-auth-text = This page stands in for your bank's 3-D Secure check while the portal is in test mode. Choose how the check should end.
pm-auth-complete = Complete authentication
pm-auth-fail = Fail authentication
