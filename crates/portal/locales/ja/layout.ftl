# Around every page: skip link, header, policy links, footer, and refusals raised by forms and ids.

# The way back when the business has no name on file.
return-to-site = ウェブサイトに戻る
skip-to-content = 本文へスキップ
# Shown under the business name when the configuration sets no headline.
headline-default = { $business } は Portico を利用して請求を簡単にしています。
terms-of-service = 利用規約
privacy-policy = プライバシーポリシー
powered-by = Powered by Portico

form-forged-title = このフォームは無効になりました
form-forged-text = 前のページに戻り、ページを再読み込みしてからもう一度お試しください。
not-found-title = ページが見つかりません
not-found-text = このページは存在しないか、お客様のアカウントのものではありません。
