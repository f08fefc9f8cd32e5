# サブスクリプションの変更：プラン・数量・プロモーションコードの選択、確認画面、確定、支払いの拒否。

update-title = プランの変更
update-back-home = 請求の概要に戻る
update-back-choose = プランの選択に戻る
update-current = 現在のプラン
update-current-badge = 現在
update-discounts = 適用中の割引：
update-choose-plan = プランを選択
update-quantity = 数量
# $min, $max: the quantity bounds.
update-quantity-min = { $min } 以上。
update-quantity-max = { $max } 以下。
update-promotion-code = プロモーションコード（任意）
update-continue = 次へ
update-cancel = キャンセル
update-trial-ends = プランを変更すると無料トライアルは終了し、新しいプランの料金が本日請求されます。

# Why some of the merchant's plans are not offered. $currency: e.g. "USD".
update-missing-currency = { $currency } 以外の通貨で請求されるプランには変更できません。
update-missing-tax-unspecified = 現在のプランの価格には税の扱いが設定されていないため、別の価格には変更できません。下記で許可されている変更は可能です。詳しくは事業者にお問い合わせください。
update-missing-tax-unspecified-only = 現在のプランの価格には税の扱いが設定されていないため、別の価格には変更できません。変更については事業者にお問い合わせください。
update-missing-tax-mismatch = 一部のプランは税の扱い（税込み・税別）が現在のプランと異なるため、変更できません。
update-missing-unavailable = 一部のプランは現在ご利用いただけません。

# Why the subscription can't be updated at all.
update-refused-title = このプランはここでは変更できません
update-refused-disabled = このポータルではプランを変更できません。
update-refused-status = 変更できるのは、有効またはトライアル中のサブスクリプションのみです。
update-refused-nothing = ここで変更できるプランや数量はありません。
update-refused-payment-method = このサブスクリプションはポータルで請求できない支払い方法で支払われているため、ここではキャンセルのみ可能です。

# The preview.
update-preview-title = 変更内容の確認
update-preview-refreshed = 前回の確認から30分以上経過したため、金額を再計算しました。内容を確認してから確定してください。
update-new-plan = 新しいプラン
update-discount-applied = 適用されるプロモーションコード：
# $date: when a period-end change takes effect.
update-changes-on = プランは { $date } に変更されます。現時点での請求はありません。
update-preview-lines = 本日の変更内容
# $item: e.g. "2 × Pro".
update-line-unused = { $item } の未使用期間分のクレジット
update-line-remaining = { $item } の残り期間分
update-line-discount = 割引
update-due-now = 本日のお支払い額
# $date: the next invoice's date.
update-next-invoice = 次回の請求（{ $date }）
update-agree = 確定すると、事業者の利用規約に同意したものとみなされます。
update-confirm = 変更を確定

# Form errors.
update-error-price = 表示されているプランから選択してください。
update-error-quantity-invalid = 整数を入力してください。
update-error-quantity-range = この数量は選択できません。表示されている範囲内で選択してください。
update-error-promo-unknown = このプロモーションコードは無効です。確認してもう一度お試しください。
update-error-promo-minimum = このプロモーションコードには最低注文金額があるため、プラン変更には使用できません。
update-error-promo-invalid = このプロモーションコードはご利用のサブスクリプションには適用できません。
update-error-no-change = 続けるには、別のプラン、数量、またはプロモーションコードを選択してください。
update-error-failed = 問題が発生しました。もう一度お試しください。
update-error-tampered = この確認内容は無効になりました。もう一度変更内容を確認してください。
# $message: the server's own (English) explanation, shown when nothing better is known.
update-error-unknown = 変更できませんでした：{ $message }

# A charge that didn't go through.
update-declined-title = お支払いが拒否されました
update-declined-generic = カードが拒否されました。
update-declined-unchanged = プランは変更されていません。別のカードで変更分をお支払いいただくか、現在のプランをそのままご利用いただけます。
update-declined-pay-other = 別のカードで支払う
update-declined-add-method = 支払い方法を追加
