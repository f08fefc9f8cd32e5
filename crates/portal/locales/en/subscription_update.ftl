# Updating a subscription: choosing a plan, quantity and promotion code, the preview, confirming, declines.

update-title = Update your plan
update-back-home = Back to billing overview
update-back-choose = Back to plan choice
update-current = Current plan
update-current-badge = Current
update-discounts = Discounts applied:
update-choose-plan = Choose a plan
update-quantity = Quantity
# $min, $max: the quantity bounds.
update-quantity-min = At least { $min }.
update-quantity-max = At most { $max }.
update-promotion-code = Promotion code (optional)
update-continue = Continue
update-cancel = Cancel
update-trial-ends = Changing your plan ends your free trial: the new plan is charged today.

# Why some of the merchant's plans are not offered. $currency: e.g. "USD".
update-missing-currency = Plans billed in a currency other than { $currency } can't be switched to.
update-missing-tax-unspecified = Your current plan's price doesn't say how tax applies, so it can't be switched to another price. You can still change what the merchant allows below, or contact them.
update-missing-tax-unspecified-only = Your current plan's price doesn't say how tax applies, so it can't be switched to another price. Contact the merchant to change it.
update-missing-tax-mismatch = Some plans handle tax differently from your current plan (tax included or added), so they can't be switched to.
update-missing-unavailable = Some plans are no longer available.

# Why the subscription can't be updated at all.
update-refused-title = This plan can't be changed here
update-refused-disabled = Plan changes aren't available in this portal.
update-refused-status = Only active or trial subscriptions can be changed.
update-refused-nothing = There is nothing else to change to here: no other plan or quantity is offered.
update-refused-payment-method = This subscription is paid with a payment method the portal can't charge, so it can only be canceled here.

# The preview.
update-preview-title = Review your change
update-preview-refreshed = Your previous review was more than 30 minutes old, so the amounts were calculated again. Check them and confirm.
update-new-plan = New plan
update-discount-applied = Promotion code applied:
# $date: when a period-end change takes effect.
update-changes-on = Your plan changes on { $date }. Nothing is charged now.
update-preview-lines = What changes today
# $item: e.g. "2 × Pro".
update-line-unused = Credit for unused time on { $item }
update-line-remaining = Remaining time on { $item }
update-line-discount = Discount
update-due-now = Amount due now
# $date: the next invoice's date.
update-next-invoice = Next invoice, { $date }
update-agree = By confirming, you agree to the merchant's terms.
update-confirm = Confirm change

# Form errors.
update-error-price = Choose one of the plans listed.
update-error-quantity-invalid = Enter a whole number.
update-error-quantity-range = This quantity isn't allowed: choose one within the limits shown.
update-error-promo-unknown = This promotion code isn't valid. Check it and try again.
update-error-promo-minimum = This promotion code needs a minimum order and can't be used when changing a plan.
update-error-promo-invalid = This promotion code can't be applied to your subscription.
update-error-no-change = Choose a different plan, quantity or a promotion code to continue.
update-error-failed = Something went wrong. Please try again.
update-error-tampered = This review is no longer valid. Review your change again.
# $message: the server's own (English) explanation, shown when nothing better is known.
update-error-unknown = The change could not be made: { $message }

# A charge that didn't go through.
update-declined-title = Payment declined
update-declined-generic = Your card was declined.
update-declined-unchanged = Your plan has not changed. You can pay for the change with another card, or keep your current plan.
update-declined-pay-other = Pay with another card
update-declined-add-method = Add a payment method
