# 請求書: ポータルの請求履歴と支払いページ、ホスト型請求書ページ、その PDF、3D セキュアのページ。

invoice-back-home = 請求の概要に戻る
invoice-back-history = 請求履歴に戻る
invoice-view = 請求書を表示
invoice-download-pdf = PDF をダウンロード
invoice-pay = 支払う
invoice-pages = 請求書のページ
invoice-newest = 最新の請求書
invoice-older = 以前の請求書
invoice-done-paid = ありがとうございます。お支払いを受け付け、請求書は支払い済みになりました。

# 印刷用とホスト型の請求書。$number: 請求書番号(例: "ABCD1234-0001")。
invoice-title = 請求書
invoice-title-number = 請求書 { $number }
invoice-number = 請求書番号
invoice-issued = 発行日
invoice-due = 支払期日
invoice-paid-on = 支払日
invoice-status = ステータス
invoice-bill-to = 請求先
invoice-items = 明細
invoice-column-description = 内容
invoice-column-quantity = 数量
invoice-column-unit-price = 単価
invoice-column-amount = 金額
invoice-subtotal = 小計
invoice-discount = 割引
# $name: クーポン名。
invoice-discount-named = 割引({ $name })
invoice-tax = 税
# $name: 税率(例: "消費税 (10%)")。
invoice-tax-included = { $name }(内税)
invoice-total = 合計
invoice-applied-balance = 適用された残高
invoice-amount-paid = 支払済額
invoice-amount-due = 請求額

# お支払い。$amount: 書式化された請求額。
invoice-pay-title = 請求書 { $number } のお支払い
invoice-pay-heading = この請求書を支払う
invoice-pay-with = 支払い方法
invoice-pay-amount = { $amount } を支払う
invoice-pay-no-saved = お支払いに使える保存済みのカードがありません。
invoice-pay-new-card = 新しいカードで支払う
invoice-pay-or-new-card = または新しいカードで支払う
invoice-add-payment-method = 支払い方法を追加
invoice-test-mode = テストモード: 4242 4242 4242 4242 などのテストカードに、将来の任意の有効期限と任意の 3 桁のコードを入力してください。
invoice-card-number = カード番号
invoice-card-expiry = 有効期限
invoice-card-expiry-hint = カードに記載の MM/YY
invoice-card-cvc = セキュリティコード
invoice-card-cvc-hint = カード裏面の 3 桁(American Express は表面の 4 桁)

invoice-pay-error-choose = 保存済みのカードを選択してください。
invoice-pay-error-already-paid = この請求書はすでに支払われています。
# $message: サーバーからの(英語の)説明。ほかに適切な説明がない場合に表示します。
invoice-pay-error-unknown = お支払いを完了できませんでした: { $message }
invoice-card-error-number-missing = カード番号を入力してください。
invoice-card-error-number-invalid = カード番号は数字のみで入力してください。確認してもう一度お試しください。
invoice-card-error-number-incorrect = カード番号が正しくありません。確認してもう一度お試しください。
invoice-card-error-expiry-missing = 有効期限を入力してください。
invoice-card-error-expiry-format = 有効期限は MM/YY の形式で入力してください(例: 04/30)。
invoice-card-error-expiry-month = 有効期限の月は 01 から 12 の間で入力してください。
invoice-card-error-expiry-past = 有効期限が過ぎています。
invoice-card-error-cvc-missing = セキュリティコードを入力してください。
invoice-card-error-cvc-invalid = セキュリティコードは 3 桁です(American Express は 4 桁)。
invoice-decline-generic = カードが拒否されました。別のカードをお試しいただくか、カード会社にお問い合わせください。
invoice-decline-insufficient-funds = カードの残高が不足しています。別のカードをお試しください。
invoice-decline-expired = このカードは有効期限が切れています。別のカードをお試しください。
invoice-decline-incorrect-cvc = セキュリティコードが正しくありません。確認してもう一度お試しください。
invoice-decline-processing = カード会社に接続できませんでした。しばらくしてからもう一度お試しください。
invoice-decline-authentication = カード会社による本人確認が完了しませんでした。もう一度お試しいただくか、別のカードをご利用ください。
invoice-decline-authentication-failed = カード会社による本人確認ができませんでした。請求書は未払いのままです。もう一度お試しいただくか、別のカードをご利用ください。

invoice-auth-title = お支払いの確認
invoice-auth-test-page = テスト用の認証ページ
invoice-auth-text = このページはテストモードでカード会社の 3D セキュア認証の代わりに表示されます。認証の結果を選んでください。
invoice-auth-card = カード
invoice-auth-complete = 認証を完了する
invoice-auth-fail = 認証を失敗させる

invoice-pdf-unavailable-title = 現在 PDF を表示できません
invoice-pdf-unavailable-text = この請求書の PDF を作成できませんでした。時間をおいてもう一度お試しください。請求書はオンラインで引き続きご覧いただけます。
invoice-back-to-invoice = 請求書に戻る
