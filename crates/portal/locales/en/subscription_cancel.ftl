# Canceling, renewing, pausing and resuming a subscription, and the retention offer before a cancellation.

subscription-back = Back to your subscriptions
# $message: the server's own (English) explanation, shown when no better one is known.
subscription-error-unknown = This could not be done: { $message }

cancel-title = Cancel subscription
cancel-outcome-now = Your subscription will end right away, and you will lose access to it now.
# $date: the last day of the paid period.
cancel-outcome-period-end = Your subscription will end on { $date }. You keep access until then, and you will not be charged again.
cancel-outcome-credit = You will get a credit for the unused part of the current period, taken off your future invoices.
cancel-outcome-no-credit = There is no refund or credit for the unused part of the current period.
cancel-survey-legend = Why are you canceling?
cancel-optional = (optional)
cancel-comment-label = Anything else you would like to tell us?
cancel-confirm = Cancel subscription
cancel-keep = Keep subscription
cancel-reason-too-expensive = It's too expensive
cancel-reason-missing-features = I need more features
cancel-reason-switched-service = I found an alternative
cancel-reason-unused = I no longer need it
cancel-reason-customer-service = Customer service was less than expected
cancel-reason-too-complex = Ease of use was less than expected
cancel-reason-low-quality = Quality was less than expected
cancel-reason-other = Other reason
cancel-reason-invalid = Choose one of the reasons listed.
# $count: the longest comment accepted, in characters.
cancel-comment-too-long = Your comment is too long: at most { $count } characters.
cancel-refused-ended = This subscription has already ended.
cancel-refused-scheduled = This subscription is already set to end. You can renew it from your subscriptions.
cancel-refused-schedule = This subscription has changes scheduled, so it cannot be changed or canceled here. Please contact us.

retention-title = Before you go
retention-intro = We would like you to stay. Keep your subscription and get:
# $percent: a number, e.g. 50 or 12.5.
retention-percent-off = { $percent }% off
# $amount: an amount with its currency, e.g. $5.00.
retention-amount-off = { $amount } off
retention-discount = A discount
# Between the discount and how long it lasts: "50% off" + " " + "for 3 months".
retention-separator = { " " }
retention-once = on your next invoice
retention-forever = for as long as you stay
retention-months = { $count ->
    [one] for 1 month
   *[other] for { $count } months
}
retention-accept = Accept offer
retention-decline = No thanks, continue to cancel
retention-expired = This offer has expired.
retention-unavailable = This offer is no longer available.

renew-title = Renew subscription
renew-refused = This subscription is not set to end, so there is nothing to renew.

pause-title = Pause subscription
pause-outcome = While it is paused, you will not be charged and you will not have access. You can resume it at any time.
pause-indefinite = Your subscription stays paused until you resume it.
pause-duration-legend = How long would you like to pause?
pause-for-days = { $count ->
    [one] 1 day
   *[other] { $count } days
}
pause-for-weeks = { $count ->
    [one] 1 week
   *[other] { $count } weeks
}
pause-for-months = { $count ->
    [one] 1 month
   *[other] { $count } months
}
pause-for-years = { $count ->
    [one] 1 year
   *[other] { $count } years
}
# $date: when the subscription resumes by itself.
pause-resumes-on = Resumes on { $date }
pause-duration-missing = Choose how long to pause.
pause-confirm = Pause subscription
pause-back = Go back
pause-refused-paused = This subscription is already paused.
pause-refused-status = Only an active subscription can be paused.
resume-title = Resume subscription
resume-refused = This subscription is not paused.
