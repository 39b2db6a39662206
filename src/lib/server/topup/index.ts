/** Auto top-up (issue 17.2): a rule per account, one top-up per crossing below its trigger, charged off-session on the buyer's subscription or offered with one tap. */
export { setTopupRule, validRule, TOPUP_LIMITS, type TopupRule, type TopupRuleInput } from './rules';
export { checkTopup, checkTopups, type CheckOutcome } from './claim';
export { chargeTopup } from './charge';
export { declineTopup, DECLINED_REASON, offReasonForAdmins } from './decline';
export { topupView, type TopupView, type AccountTopup, type TopupPackage, type TopupRecord } from './view';
export { startTopups } from './watcher';
export { topupJobs } from './jobs';
export type { TopupNoticeKind, TopupNoticeDetail } from './notify';
