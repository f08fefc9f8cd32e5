# Shared by every portal page: the portal's name, the way back to the business, counts.

portal-title = Billing portal
# $business is the business name from the portal configuration.
return-to = Return to { $business }
item-count =
    { $count ->
        [one] { $count } item
       *[other] { $count } items
    }
