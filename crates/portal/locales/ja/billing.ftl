# The billing-information page (/p/billing): the customer's details and tax ids.

billing-back = 戻る
billing-details-title = お客様情報
billing-group-contact = 連絡先
billing-group-address = 請求先住所
billing-group-shipping = 配送先
# After a label: the input may be left blank.
billing-optional = （任意）
billing-field-recipient = 受取人名
billing-field-shipping-phone = 配送用の電話番号
billing-field-line1 = 住所 1（番地）
billing-field-line2 = 住所 2（建物名・部屋番号）
billing-field-city = 市区町村
billing-field-state = 都道府県・州
billing-field-postal-code = 郵便番号
billing-field-country = 国
billing-choose-country = 国を選択してください
billing-save = 保存
billing-cancel = キャンセル
# Shown on the home page after the details were saved.
billing-updated = 請求情報を更新しました。

billing-tax-ids-none = 登録されている納税者番号はありません。
billing-tax-id-remove = 削除
# The remove button's name for screen readers; $value is the tax ID, e.g. "DE123456789".
billing-tax-id-remove-named = 納税者番号 { $value } を削除
billing-tax-id-add-title = 納税者番号を追加
billing-tax-id-type = 種類
billing-tax-id-choose-type = 種類を選択してください
billing-tax-id-value = 納税者番号
billing-tax-id-add = 納税者番号を追加
billing-tax-id-added = 納税者番号を追加しました。
billing-tax-id-removed = 納税者番号を削除しました。
billing-tax-id-verified = 確認済み
billing-tax-id-unverified = 未確認
billing-tax-id-pending = 確認中

billing-error-summary = 次の項目を修正してください
# $max: the most characters the field takes.
billing-error-too-long = { $max } 文字以内で入力してください。
billing-error-too-long-plain = 入力内容が長すぎます。
billing-error-required = この項目は必須です。
billing-error-email = name@example.com のような形式でメールアドレスを入力してください。
billing-error-recipient-required = 配送先の受取人名を入力してください。
billing-error-line1-required = 番地を入力してください。
billing-error-country-required = 国を選択してください。
billing-error-country-unknown = 一覧から国を選択してください。
billing-error-tax-id-type = 納税者番号の種類を選択してください。
billing-error-tax-id-required = 納税者番号を入力してください。
# $type: the tax ID type as listed, e.g. "European Union — EU VAT".
billing-error-tax-id-invalid = { $type } の番号として正しくありません。確認してもう一度お試しください。
# Before an error in the summary at the top of the page: which field it is about.
billing-error-in = { $field }：
