# The confirmation page shown when a deep-link task is done (after_completion = hosted_confirmation).

done-title = All done
done-generic = Your change has been saved.
done-payment-method-added = Your new payment method has been added.
done-billing-updated = Your billing information has been updated.
done-subscription-canceled = Your subscription has been canceled.
done-subscription-cancel-scheduled = Your subscription will be canceled at the end of the billing period.
done-subscription-kept = Your subscription continues, with your offer applied.
done-subscription-updated = Your subscription has been updated.
done-subscription-paused = Your subscription has been paused.
done-subscription-renewed = Your subscription will continue; it is no longer set to cancel.
done-subscription-resumed = Your subscription has been resumed.
