# Shared by every portal page: the portal's name, the way back to the business, counts.

portal-title = 請求ポータル
# $business is the business name from the portal configuration.
return-to = { $business } に戻る
# Japanese has a single plural form.
item-count = { $count } 件
