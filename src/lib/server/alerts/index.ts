/** Alerts: steps of an account's allocation (20%, 10%, 5%, depleted by default; shares or numbers of tokens), each once per crossing, in the in-app inbox, by mail and by Web Push. */
export { evaluateAlerts, type AlertKind, type SentAlert } from './evaluate';
export { listNotifications, markRead, unreadCount, type NotificationRow, type Inbox } from './notifications';
export { noticePurchaseReversal, purchaseNoticeWords, type PurchaseReversal, type PurchaseNoticeKind } from './purchase-notices';
export { noticeCredit, noticeCredits, creditNoticeWords, type CreditNotice, type CreditChange, type CreditNoticeKind, type CreditNoticeDetail } from './credit-notices';
export { startAllowanceNotices, noticeAllowanceChange, limitsChanges, ruleChanges, allowanceChangeJob, watchOwnAllowance, type AllowanceNoticeKind } from './allowance-notices';
export { noticeResetsMoved, allowanceResetsJob, poolResetsJob } from './reset-notices';
export { DEFAULT_STEPS, STEP_LIMITS, type AlertSteps } from './level';
export { firstStepRead } from './steps';
export { listAlertSteps, setAlertSteps, type AccountAlertSteps, type AlertStepsView } from './settings';
export { startAlerts } from './watcher';
export { catchUpAlerts, alertCatchUpJob, type CatchUpOptions } from './catch-up';
export * from './push';
