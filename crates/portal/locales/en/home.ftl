# The home page and the rows shared with the section pages.

home-title = Billing
subscriptions-title = Current subscriptions
subscriptions-none = You have no subscriptions.
# $quantity: how many of the plan the customer has, e.g. "3 ×".
quantity-times = { $quantity } ×
interval-day = { $count ->
    [one] per day
   *[other] every { $count } days
}
interval-week = { $count ->
    [one] per week
   *[other] every { $count } weeks
}
interval-month = { $count ->
    [one] per month
   *[other] every { $count } months
}
interval-year = { $count ->
    [one] per year
   *[other] every { $count } years
}
# A tiered price, by what one unit costs. $amount: that cost; $every: interval-* above.
price-tiered = From { $amount } { $every }
# A tiered price's quantity and total. $quantity: units; $amount: the total and its interval ("$89.50 per month").
price-tiered-total = { $quantity } units, { $amount }
# A price per package of units. $amount: one package's price; $size: units in a package.
price-package = { $amount } per { $size } units
# A metered price. $amount: one unit's price; $every: billed-* below.
price-metered = { $amount } per unit used, billed { $every }
billed-day = { $count ->
    [one] daily
   *[other] every { $count } days
}
billed-week = { $count ->
    [one] weekly
   *[other] every { $count } weeks
}
billed-month = { $count ->
    [one] monthly
   *[other] every { $count } months
}
billed-year = { $count ->
    [one] yearly
   *[other] every { $count } years
}
subscription-renews-on = Renews on { $date }
subscription-cancels-on = Cancels on { $date }
subscription-trial-ends = Trial ends on { $date }
subscription-collection-paused = Payment collection is paused
status-active = Active
status-trialing = Trial
status-past-due = Past due
status-unpaid = Unpaid
status-incomplete = Incomplete
status-paused = Paused
status-canceled = Canceled

payment-methods-title = Payment methods
payment-methods-add = Add payment method
payment-methods-none = No payment method on file.
payment-methods-default = Default
payment-methods-manage = Manage payment methods
payment-method-other = Other payment method
# $date: expiry month and year, e.g. "04/2030".
card-expires = Expires { $date }

billing-title = Billing information
billing-edit = Update information
billing-name = Name
billing-email = Email
billing-address = Billing address
billing-phone = Phone number
billing-shipping = Shipping address
billing-tax-ids = Tax IDs

invoices-title = Invoice history
invoices-none = No invoices yet.
invoices-view-all = View all invoices
invoice-status-paid = Paid
invoice-status-open = Open
invoice-status-uncollectible = Uncollectible
invoice-status-void = Void
invoice-status-draft = Draft

subscription-update = Update subscription
subscription-cancel = Cancel subscription
subscription-renew = Renew subscription
subscription-pause = Pause subscription
subscription-resume = Resume subscription
# Why the customer cannot change a subscription here (Stripe's documented portal limitations).
limit-several-items = This subscription has several products, so it can't be changed here. You can still cancel it.
limit-metered = This subscription is billed by usage, so it can't be changed here. You can still cancel it.
limit-send-invoice = This subscription is paid by invoice, so it can't be changed here. You can still cancel it.
limit-schedule = Changes to this subscription are already scheduled, so it can't be changed or cancelled here. Please contact us.
limit-pending-update = A change to this subscription is waiting for payment. Pay the open invoice to complete it.
