# The confirmation page shown when a deep-link task is done (after_completion = hosted_confirmation).

done-title = 完了しました
done-generic = 変更を保存しました。
done-payment-method-added = 新しい支払い方法を追加しました。
done-billing-updated = 請求先情報を更新しました。
done-subscription-canceled = サブスクリプションをキャンセルしました。
done-subscription-cancel-scheduled = サブスクリプションは請求期間の終了時にキャンセルされます。
done-subscription-kept = 特典が適用され、サブスクリプションは継続されます。
done-subscription-updated = サブスクリプションを更新しました。
done-subscription-paused = サブスクリプションを一時停止しました。
done-subscription-renewed = サブスクリプションは継続されます。キャンセルの予定は取り消されました。
done-subscription-resumed = サブスクリプションを再開しました。
