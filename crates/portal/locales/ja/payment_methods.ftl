# The payment-methods pages: the list, the card form and the test 3-D Secure page.

pm-back = 請求の概要に戻る
pm-back-to-list = 支払い方法に戻る
pm-make-default = デフォルトに設定
pm-remove = 削除
pm-done-added = カードを追加しました。
pm-done-default = デフォルトの支払い方法を変更しました。
pm-done-removed = 支払い方法を削除しました。
pm-refused-keep-one = これは唯一の支払い方法で、サブスクリプションの自動支払いに使われています。先に別の支払い方法を追加してから削除してください。
pm-refused-subscription-default = この支払い方法はサブスクリプションの支払いに指定されているため、ここでは削除できません。支払い方法の変更はお問い合わせください。
# $message: the server's own (English) explanation, shown when nothing better is known.
pm-error-unknown = 問題が発生しました: { $message }

pm-type-card = カード
pm-type-us-bank-account = 米国の銀行口座
pm-type-sepa-debit = SEPA ダイレクトデビット
pm-type-bacs-debit = Bacs ダイレクトデビット
pm-type-au-becs-debit = BECS ダイレクトデビット
pm-type-acss-debit = 事前承認済みデビット
pm-type-link = Link
pm-type-paypal = PayPal
pm-type-cashapp = Cash App Pay
pm-type-amazon-pay = Amazon Pay
pm-type-boleto = Boleto

pm-add-title = カードを追加
pm-test-mode = テストモード: 4242 4242 4242 4242 などのテストカードと、将来の日付、任意の 3 桁のコードを使ってください。
pm-card-name = カード名義
pm-card-number = カード番号
pm-card-expiry = 有効期限
pm-card-expiry-hint = カードに記載の MM/YY
pm-card-cvc = セキュリティコード
pm-card-cvc-hint = 裏面の 3 桁 (American Express は表面の 4 桁)
pm-card-postal-code = 郵便番号 (任意)
pm-becomes-default = このカードがデフォルトの支払い方法になります。
pm-save-card = カードを保存
pm-cancel = キャンセル

pm-error-name-missing = カードに記載の名義を入力してください。
pm-error-number-missing = カード番号を入力してください。
pm-error-number-invalid = カード番号は数字のみです。確認してもう一度お試しください。
pm-error-number-incorrect = カード番号が正しくありません。確認してもう一度お試しください。
pm-error-expiry-missing = 有効期限を入力してください。
pm-error-expiry-format = 有効期限は MM/YY の形式で入力してください (例: 04/30)。
pm-error-expiry-month = 有効期限の月は 01 から 12 の間で入力してください。
pm-error-expiry-past = この有効期限はすでに過ぎています。
pm-error-cvc-missing = セキュリティコードを入力してください。
pm-error-cvc-invalid = セキュリティコードは 3 桁です (American Express は 4 桁)。
pm-decline-generic = カードが拒否されました。別のカードを使うか、カード会社にお問い合わせください。
pm-decline-insufficient-funds = カードの残高が不足しています。別のカードをお試しください。
pm-decline-expired = このカードは有効期限が切れています。別のカードをお試しください。
pm-decline-incorrect-cvc = セキュリティコードが正しくありません。確認してもう一度お試しください。
pm-decline-processing = カード会社に接続できませんでした。しばらくしてからもう一度お試しください。
pm-decline-authentication = カード会社による本人確認が完了しませんでした。もう一度試すか、別のカードをお使いください。
pm-decline-authentication-failed = カード会社がこのカードを確認できませんでした。もう一度試すか、別のカードをお使いください。

pm-auth-title = カードの確認
pm-auth-test-page = テスト用の認証ページ
pm-auth-text = このページは、ポータルがテストモードのあいだ、カード会社の 3D セキュア認証の代わりに表示されます。認証の結果を選んでください。
pm-auth-complete = 認証を完了する
pm-auth-fail = 認証を失敗させる
