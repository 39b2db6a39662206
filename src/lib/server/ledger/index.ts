/** THE token ledger: the only code that writes balances. See "The ledger" in DESIGN.md. */
export * from './types';
export { check, consume, hold, settle, release, Refusal, type HoldRequest, type HoldResult, type SettleResult } from './spend';
export { viewerAvailableRead } from './app-spend';
export { setGroupCommitOptions } from './group-commit';
export { grant, clawback, endLots, endLot, changeLotExpiry, adjustBalance, type RedatedLot, type AdjustRequest, type ClawbackRequest, type EndLotRequest, type EndedLot } from './grants';
export {
	balances,
	balancesRead,
	spendable,
	spendableRead,
	type Spendable,
	allocationsOf,
	allocationsByAccount,
	allocationsRead,
	availableOf,
	allowanceStatus,
	allowancesByAccount,
	allowancesRead,
	allocationShares,
	heldFrom,
	rollups,
	rollupsRead,
	holdAccount,
	type Balances,
	type Allocation,
	type AllowanceStatus,
	type RollupRow,
	type Rollup,
	type ReportPeriod,
	type RollupBy,
	MAX_REPORT_WINDOWS
} from './queries';
export { allocationShare, levelOf, type AllocationShare } from './share';
export { lotsUnder, grantedUnder, grantedKeys, type CountingLot, type GrantedUnder } from './granted-under';
export { lotsByGrantKey, everGrantedTokens, spenderOfKey, usedByActorSince, type GrantedLot } from './lookups';
export { history, personUses, type HistoryRow, type HistoryQuery, type PersonUse } from './history';
export { statement, type StatementRow, type StatementPage, type StatementKind, type ClawbackCause } from './statement';
export { unlimitedNow, type UnlimitedNow } from './unlimited-now';
export { reconcile, type ReconcileReport, type Breach } from './reconcile';
export { operationsBetween, type OperationRecord } from './operations-range';
export * from './rates';
export { MAX_TOKENS, MAX_UNITS, MAX_IDEMPOTENCY_KEY } from './validate';
export { refusalCodes } from './sql-result';
export { nextLotExpiry, sweepExpired } from './sweep';
export { CHANGE_CHANNEL, EVERY_ACCOUNT, noticeChange, noticeFigures, noticeInbox, noticeInboxOf } from './change-notices';
export { balanceChanges, type BalanceChanges } from './balance-changes';
export { accountsChangedAfter, lastEntryId, type ChangedAccounts } from './change-log';
export * from './limits';
export { newcomerAllowances, type NewcomerAllowance } from './newcomer';
export { siteUsageTotals, siteUsage, USAGE_SPANS, type SiteUsage, type SiteUsageTotals, type UsageBy, type UsageSeries, type TopRow } from './site-usage';
export { lotFiguresJoin, usedSinceSql, actorUsedSinceSql, poolUsedSinceSql, lastPoolUseDaySql, tightestCapSql, lastActiveDaySql, siteMonthStart, siteToday, siteTimeZone, featureUseThisMonth, guestUseThisMonth, lotsOf, unlimitedLotsOf, capsSetOn, capsOnMemberSql, allowanceRulesForRole, type FeatureUse, type LotRow } from './account-figures';
export { rollOver, moduleRollovers, saveModuleRollover, rolloverLines, rolloverLinesRead, MAX_ROLLOVER_PERIODS, type RolloverSetting, type RolloverRun, type RolloverLine } from './rollover';
export { recentPace, hourlyBaseline, hourlyBaselineRead, freeUsePerDayRead, lotUsePerDayRead, type UsePace } from './use-pace';
export { refreshAccountFigures, figuresAsOf, summaryPage, summaryKey, summaryJoin, type FiguresRefresh, type SummarySort } from './figures-summary';
