/** Referral bonuses (issue 17.4): a member's link, one bonus per new account for both sides, fraud limits, the site's rules. */
export { referralRules, setReferralRules, referralSettingsSchema, REFERRALS_OFF, type ReferralSettings } from './settings';
export { recordReferral, settleOnPurchase, type ReferralOutcome, type RefusalReason, type NewMember } from './record';
export { referralPanel, invitation, type ReferralPanel, type ReferralView } from './link';
