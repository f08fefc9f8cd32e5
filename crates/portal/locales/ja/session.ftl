# The pages for a portal link that cannot be opened, and for failures on our side.

session-unknown-title = このリンクは無効です
session-unknown-text = このリンクを入手した場所で、請求ポータルへの新しいリンクを発行してもらってください。

session-expired-title = このセッションは有効期限が切れています
session-expired-text = セキュリティ保護のため、請求ポータルのセッションは一定時間操作がないと終了します。
# The configuration's login page, offered when the session allows signing in again after it ends.
session-expired-login = もう一度サインイン
# The link back to the business's website, which can open a new session.
session-expired-return = ウェブサイトに戻る

# The login page of a configuration: email sign-in is not built yet.
sign-in-unavailable-title = サインインはまだご利用いただけません
sign-in-unavailable-text = この請求ポータルはまだサインイン用のリンクを送信できません。前回のリンクを受け取った場所で、請求ポータルへの新しいリンクを依頼してください。

unavailable-title = 問題が発生しました
unavailable-text = しばらくしてからもう一度お試しください。
