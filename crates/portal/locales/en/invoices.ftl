# Invoices: the portal's invoice history and pay page, the hosted invoice page, its PDF, the 3-D Secure page.

invoice-back-home = Back to billing overview
invoice-back-history = Back to invoice history
invoice-view = View invoice
invoice-download-pdf = Download PDF
invoice-pay = Pay
invoice-pages = Invoice pages
invoice-newest = Newest invoices
invoice-older = Older invoices
invoice-done-paid = Thank you! Your payment was received and the invoice is paid.

# The printed and hosted invoice. $number: the invoice number, e.g. "ABCD1234-0001".
invoice-title = Invoice
invoice-title-number = Invoice { $number }
invoice-number = Invoice number
invoice-issued = Date of issue
invoice-due = Due date
invoice-paid-on = Paid on
invoice-status = Status
invoice-bill-to = Bill to
invoice-items = Items
invoice-column-description = Description
invoice-column-quantity = Qty
invoice-column-unit-price = Unit price
invoice-column-amount = Amount
invoice-subtotal = Subtotal
invoice-discount = Discount
# $name: the coupon's name.
invoice-discount-named = Discount ({ $name })
invoice-tax = Tax
# $name: the tax rate, e.g. "VAT (20%)".
invoice-tax-included = { $name }, included
invoice-total = Total
invoice-applied-balance = Applied balance
invoice-amount-paid = Amount paid
invoice-amount-due = Amount due

# Paying. $amount: the amount due, formatted.
invoice-pay-title = Pay invoice { $number }
invoice-pay-heading = Pay this invoice
invoice-pay-with = Pay with
invoice-pay-amount = Pay { $amount }
invoice-pay-no-saved = You have no saved card to pay with.
invoice-pay-new-card = Pay with a new card
invoice-pay-or-new-card = Or pay with a new card
invoice-add-payment-method = Add a payment method
invoice-test-mode = Test mode: use a test card such as 4242 4242 4242 4242, any future date and any three-digit code.
invoice-card-number = Card number
invoice-card-expiry = Expiry date
invoice-card-expiry-hint = MM/YY, as printed on the card
invoice-card-cvc = Security code
invoice-card-cvc-hint = 3 digits on the back (4 on the front for American Express)

invoice-pay-error-choose = Choose one of your saved cards.
invoice-pay-error-already-paid = This invoice is already paid.
# $message: the server's own (English) explanation, shown when nothing better is known.
invoice-pay-error-unknown = The payment could not be made: { $message }
invoice-card-error-number-missing = Enter your card number.
invoice-card-error-number-invalid = A card number has only digits. Check it and try again.
invoice-card-error-number-incorrect = This card number is not correct. Check it and try again.
invoice-card-error-expiry-missing = Enter the expiry date.
invoice-card-error-expiry-format = Enter the expiry date as MM/YY, for example 04/30.
invoice-card-error-expiry-month = The expiry month must be between 01 and 12.
invoice-card-error-expiry-past = This expiry date is in the past.
invoice-card-error-cvc-missing = Enter the security code.
invoice-card-error-cvc-invalid = The security code is 3 digits (4 for American Express).
invoice-decline-generic = Your card was declined. Try another card, or contact your bank.
invoice-decline-insufficient-funds = Your card has insufficient funds. Try another card.
invoice-decline-expired = This card has expired. Try another card.
invoice-decline-incorrect-cvc = The security code is incorrect. Check it and try again.
invoice-decline-processing = We could not reach your bank. Please try again in a moment.
invoice-decline-authentication = Your bank asked to confirm this payment, and it was not confirmed. Try again or use another card.
invoice-decline-authentication-failed = Your bank could not confirm this payment. The invoice is still open: try again or use another card.

invoice-auth-title = Confirm your payment
invoice-auth-test-page = Test authentication page
invoice-auth-text = This page stands in for your bank's 3-D Secure check in test mode. Choose how the check should end.
invoice-auth-card = Card
invoice-auth-complete = Complete authentication
invoice-auth-fail = Fail authentication

invoice-pdf-unavailable-title = The PDF is not available right now
invoice-pdf-unavailable-text = We could not produce this invoice as a PDF. Please try again later; the invoice itself is still available online.
invoice-back-to-invoice = Back to the invoice
