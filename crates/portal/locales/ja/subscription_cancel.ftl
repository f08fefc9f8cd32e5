# サブスクリプションの解約・更新・一時停止・再開、および解約前の特典のご案内。

subscription-back = サブスクリプション一覧に戻る
# $message: サーバーからの（英語の）説明。より適切な説明がない場合のみ表示します。
subscription-error-unknown = 処理できませんでした：{ $message }

cancel-title = サブスクリプションの解約
cancel-outcome-now = サブスクリプションはただちに終了し、すぐにご利用いただけなくなります。
# $date: 支払い済み期間の最終日。
cancel-outcome-period-end = サブスクリプションは { $date } に終了します。それまでは引き続きご利用いただけ、今後の請求はありません。
cancel-outcome-credit = 現在の期間の未使用分はクレジットとして、今後の請求額から差し引かれます。
cancel-outcome-no-credit = 現在の期間の未使用分について、返金やクレジットはありません。
cancel-survey-legend = 解約の理由をお聞かせください
cancel-optional = （任意）
cancel-comment-label = そのほかにご意見があればお聞かせください
cancel-confirm = 解約する
cancel-keep = 解約しない
cancel-reason-too-expensive = 料金が高すぎる
cancel-reason-missing-features = 必要な機能が足りない
cancel-reason-switched-service = ほかのサービスに乗り換える
cancel-reason-unused = もう必要なくなった
cancel-reason-customer-service = カスタマーサービスが期待以下だった
cancel-reason-too-complex = 使いやすさが期待以下だった
cancel-reason-low-quality = 品質が期待以下だった
cancel-reason-other = その他の理由
cancel-reason-invalid = 表示されている理由から選んでください。
# $count: 受け付ける最大文字数。
cancel-comment-too-long = コメントが長すぎます。{ $count } 文字以内で入力してください。
cancel-refused-ended = このサブスクリプションはすでに終了しています。
cancel-refused-scheduled = このサブスクリプションはすでに終了予定です。サブスクリプション一覧から更新できます。
cancel-refused-schedule = このサブスクリプションには予定された変更があるため、ここでは変更も解約もできません。お問い合わせください。

retention-title = 解約の前に
retention-intro = ぜひ続けてご利用ください。サブスクリプションを継続すると、次の特典をお受けいただけます：
# $percent: 数値（例：50、12.5）。
retention-percent-off = { $percent }%オフ
# $amount: 通貨付きの金額（例：￥500）。
retention-amount-off = { $amount }オフ
retention-discount = 割引
# 割引と期間の間の区切り：「50%オフ」＋「（3か月間）」。
retention-separator = { "" }
retention-once = （次回のご請求）
retention-forever = （ご利用中ずっと）
retention-months = （{ $count }か月間）
retention-accept = 特典を受け取る
retention-decline = 受け取らずに解約へ進む
retention-expired = この特典は期限切れです。
retention-unavailable = この特典は現在ご利用いただけません。

renew-title = サブスクリプションの更新
renew-refused = このサブスクリプションは終了予定ではないため、更新の必要はありません。

pause-title = サブスクリプションの一時停止
pause-outcome = 一時停止中は請求されず、ご利用もいただけません。いつでも再開できます。
pause-indefinite = 再開するまで、サブスクリプションは一時停止されたままになります。
pause-duration-legend = 一時停止する期間を選んでください
pause-for-days = { $count }日間
pause-for-weeks = { $count }週間
pause-for-months = { $count }か月間
pause-for-years = { $count }年間
# $date: 自動的に再開される日。
pause-resumes-on = { $date } に再開
pause-duration-missing = 一時停止する期間を選んでください。
pause-confirm = 一時停止する
pause-back = 戻る
pause-refused-paused = このサブスクリプションはすでに一時停止中です。
pause-refused-status = 一時停止できるのは有効なサブスクリプションだけです。
resume-title = サブスクリプションの再開
resume-refused = このサブスクリプションは一時停止されていません。
