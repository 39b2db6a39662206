/** Site admins' changes (each one audited in the transaction that makes it) and the console's lists. */
export { auditedChange, type AdminActor, type AuditedChange, type SetupActor } from './audited';
export { removeFeature, removeModule, saveFeature, saveModule, saveModel } from './rates';
export { modelKept, removeModel } from './model-removal';
export { saveSiteSettings, setAllowance, saveLimits, saveRollover, setAccountCap, type SiteSettingsPatch, type CapInput } from './site-setup';
export { adjustAccountBalance, type ManualAdjustment, type AdjustmentResult } from './adjust';
export { listAccounts, ACCOUNTS_PAGE_SIZE, type AccountListQuery, type AccountPage, type AccountRow, type AccountSort, type GuestsRow } from './accounts';
export { listAudit, auditActions, AUDIT_PAGE_SIZE, type AuditQuery, type AuditRow } from './audit-log';
export { accountDetail, type AccountDetail, type AccountLot } from './detail';
export { accountUses, type AccountUse } from './uses';
export { endLotNow, grantBonus, grantUnlimited, setUserDisabled, type Bonus, type UnlimitedGrant } from './user-actions';
export { overview, type Overview } from './overview';
export { siteDayExpiry, type SiteDayExpiry } from './site-day-end';
export { startCampaign, applyCampaign, listCampaigns, campaignReach, campaignGrantKey, CAMPAIGN_BATCH, type CampaignInput, type CampaignView } from './campaigns';
export { campaignFigures, changeCampaignExpiry, endCampaign, type CampaignEnd, type CampaignExpiryChange, type CampaignFigures } from './campaign-changes';
export { listPaymentEvents, PAYMENTS_PAGE, type PaymentEventRow, type PaymentFilter, type PaymentOutcome } from './payments';
export { usersCsv, teamsCsv, auditCsv, operationsCsv, paymentsCsv, EXPORT_PAGE, type CsvExport } from './exports';
export { runJobNow } from './jobs';
