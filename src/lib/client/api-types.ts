import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '$lib/server/trpc/router';

/** What each tRPC procedure returns, as the browser sees it (JSON). */
export type Outputs = inferRouterOutputs<AppRouter>;
export type Inputs = inferRouterInputs<AppRouter>;

export type Settings = Outputs['settings']['get'];
export type SettingsChanges = Inputs['settings']['update']['changes'];
export type Summary = Outputs['ledger']['summary'];
/** The dashboard's first answer, naming the account it is for. */
export type Overview = Outputs['ledger']['dashboard'];
export type HistoryPage = Outputs['ledger']['history'];
export type HistoryRow = HistoryPage['rows'][number];
export type Rollup = Outputs['ledger']['rollups'];
export type RollupRow = Rollup['rows'][number];
export type StatementPage = Outputs['ledger']['statement'];
export type StatementRow = StatementPage['rows'][number];
export type Catalog = Outputs['ledger']['catalog'];
export type Preview = Outputs['ledger']['preview'];
export type Inbox = Outputs['alerts']['list'];
export type InboxEntry = Inbox['entries'][number];
export type AlertStepsView = Outputs['alerts']['steps'];
export type AccountAlertSteps = AlertStepsView['accounts'][number];
export type PushStatus = Outputs['alerts']['push']['status'];

export type AdminAccountPage = Outputs['admin']['users']['list'];
export type AdminAccountRow = AdminAccountPage['rows'][number];
export type AdminAccountSort = NonNullable<Inputs['admin']['users']['list']['sort']>;
export type AuditPage = Outputs['admin']['audit']['list'];
export type AuditRow = AuditPage['rows'][number];
export type AuditFilter = Omit<Inputs['admin']['audit']['list'], 'cursor'>;
export type SiteKey = Outputs['keys']['listSite'][number];
export type AdminAccountDetail = Outputs['admin']['users']['get'];
/** An account's uses on its console page: a person's own and their uses of team pools (`pool`). */
export type AccountUsesPage = Outputs['admin']['users']['uses'];
export type AccountUse = AccountUsesPage['rows'][number];
