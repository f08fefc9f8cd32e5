# The home page and the rows shared with the section pages.

home-title = 請求
subscriptions-title = 現在のサブスクリプション
subscriptions-none = サブスクリプションはありません。
# $quantity: how many of the plan the customer has, e.g. "3 ×".
quantity-times = { $quantity } ×
interval-day = { $count ->
    [1] 毎日
   *[other] { $count } 日ごと
}
interval-week = { $count ->
    [1] 毎週
   *[other] { $count } 週間ごと
}
interval-month = { $count ->
    [1] 毎月
   *[other] { $count } か月ごと
}
interval-year = { $count ->
    [1] 毎年
   *[other] { $count } 年ごと
}
# A tiered price, by what one unit costs. $amount: that cost; $every: interval-* above.
price-tiered = { $every } { $amount } から
# A tiered price's quantity and total. $quantity: units; $amount: the total and its interval ("$89.50 per month").
price-tiered-total = { $quantity } 単位：{ $amount }
# A price per package of units. $amount: one package's price; $size: units in a package.
price-package = { $size } 単位あたり { $amount }
# A metered price. $amount: one unit's price; $every: billed-* below.
price-metered = 使用量 1 単位あたり { $amount }（{ $every }のご請求）
billed-day = { $count ->
    [1] 毎日
   *[other] { $count } 日ごと
}
billed-week = { $count ->
    [1] 毎週
   *[other] { $count } 週間ごと
}
billed-month = { $count ->
    [1] 毎月
   *[other] { $count } か月ごと
}
billed-year = { $count ->
    [1] 毎年
   *[other] { $count } 年ごと
}
subscription-renews-on = { $date } に更新
subscription-cancels-on = { $date } にキャンセル
subscription-trial-ends = トライアルは { $date } に終了します
subscription-collection-paused = 支払いの回収は一時停止中です
status-active = 有効
status-trialing = トライアル中
status-past-due = 支払い期限切れ
status-unpaid = 未払い
status-incomplete = 未完了
status-paused = 一時停止中
status-canceled = キャンセル済み

payment-methods-title = 支払い方法
payment-methods-add = 支払い方法を追加
payment-methods-none = 登録されている支払い方法はありません。
payment-methods-default = デフォルト
payment-methods-manage = 支払い方法を管理
payment-method-other = その他の支払い方法
# $date: expiry month and year, e.g. "04/2030".
card-expires = 有効期限 { $date }

billing-title = 請求先情報
billing-edit = 情報を更新
billing-name = 氏名
billing-email = メールアドレス
billing-address = 請求先住所
billing-phone = 電話番号
billing-shipping = 配送先住所
billing-tax-ids = 納税者番号

invoices-title = 請求書の履歴
invoices-none = 請求書はまだありません。
invoices-view-all = すべての請求書を表示
invoice-status-paid = 支払い済み
invoice-status-open = 未払い
invoice-status-uncollectible = 回収不能
invoice-status-void = 無効
invoice-status-draft = 下書き

subscription-update = サブスクリプションを変更
subscription-cancel = サブスクリプションをキャンセル
subscription-renew = サブスクリプションを更新
subscription-pause = サブスクリプションを一時停止
subscription-resume = サブスクリプションを再開
# Why the customer cannot change a subscription here (Stripe's documented portal limitations).
limit-several-items = このサブスクリプションには複数の商品が含まれているため、ここでは変更できません。キャンセルは可能です。
limit-metered = このサブスクリプションは利用量に応じた課金のため、ここでは変更できません。キャンセルは可能です。
limit-send-invoice = このサブスクリプションは請求書払いのため、ここでは変更できません。キャンセルは可能です。
limit-schedule = このサブスクリプションには変更が予定されているため、ここでは変更もキャンセルもできません。お問い合わせください。
limit-pending-update = このサブスクリプションの変更は支払い待ちです。未払いの請求書を支払うと変更が完了します。
