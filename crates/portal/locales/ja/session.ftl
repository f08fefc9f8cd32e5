# The pages for a portal link that cannot be opened, and for failures on our side.

session-unknown-title = このリンクは無効です
session-unknown-text = このリンクを入手した場所で、請求ポータルへの新しいリンクを発行してもらってください。

session-expired-title = このセッションは有効期限が切れています
session-expired-text = セキュリティ保護のため、請求ポータルのセッションは一定時間操作がないと終了します。
# The link back to the business's website, which can open a new session.
session-expired-return = ウェブサイトに戻る

unavailable-title = 問題が発生しました
unavailable-text = しばらくしてからもう一度お試しください。
