// Streamed CSV exports of the admin console: users with balances, team pools with balances, the
// audit log, a date range of operations, a date range of payments and refunds. Rows are read a page at a time by keyset and written as they come, so a file of a
// million rows never sits in memory; a client that goes away stops the reading.
import { Readable } from 'node:stream';
import { sql, type SQL } from 'drizzle-orm';
import { stringify } from 'csv-stringify';
import { queryRows, type Executor } from '../db/client';
import { accountNames } from '../accounts';
import { operationsBetween, poolUsedSinceSql, type OperationRecord, refreshAccountFigures, siteMonthStart, summaryJoin } from '../ledger';
import { listAudit, type AuditQuery } from './audit-log';
import { keyNamed } from '../../key-named';
import { paymentMovements } from '../store/overview';
import { minorDigits, toMain } from '../../money';
import { DomainError } from '../errors';
import { dayRule, isDay } from '../../day-text';

/** Rows read per database round trip. */
export const EXPORT_PAGE = 1000;

export type ExportKind = 'users' | 'teams' | 'audit' | 'operations' | 'payments';

export interface CsvExport {
	filename: string;
	/** The CSV body, header row first (RFC 4180, CRLF line ends). */
	body: ReadableStream<Uint8Array>;
}

type Row = Record<string, string | number | boolean | null>;

/**
 * A text cell as a spreadsheet will not run it: names, notes and host ids are typed by members and host
 * sites, and one that starts like a formula (`=HYPERLINK(…)`, `+`, `-`, `@`, or a tab or carriage
 * return before one) would run in the admin's Excel or Sheets on opening the file. Such a cell gets a
 * leading `'` (OWASP's advice), which spreadsheets show as text; a plain signed number stays as it is.
 */
function inertCell(text: string): string {
	return /^[=+\-@\t\r]/.test(text) && !/^[-+]?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
}

/** Pipes rows through csv-stringify into a web stream; an error while reading aborts the download. */
function csv(columns: string[], rows: AsyncIterable<Row>): ReadableStream<Uint8Array> {
	const out = Readable.from(rows).pipe(stringify({ header: true, columns, record_delimiter: 'windows', cast: { boolean: (b) => (b ? 'true' : 'false'), string: inertCell } }));
	return Readable.toWeb(out) as unknown as ReadableStream<Uint8Array>;
}

/** An account's figures from the summary (`fs`, summaryJoin), the same columns in every export of balances. */
const FIGURES = sql`coalesce(fs.balance, 0) as balance, coalesce(fs.general_balance, 0) as general_balance, coalesce(fs.unlimited, false) as unlimited,
		       coalesce(fs.used_this_month, 0) as used, to_char(fs.last_active_day, 'YYYY-MM-DD') as last_day`;
type Figures = { balance: number; general_balance: number; unlimited: boolean; used: number; last_day: string | null };
const figureColumns = (r: Figures, asOf: string): Row => ({
	balance_tokens: Number(r.balance),
	general_balance_tokens: Number(r.general_balance),
	// Some unlimited lot in force, one model's or every model's (the Users list's "Unlimited lot"): not the API's `unlimited`, every model's.
	unlimited_lot: Boolean(r.unlimited),
	used_this_month_tokens: Number(r.used),
	last_active_day: r.last_day,
	figures_as_of: asOf
});
const FIGURE_COLUMNS = ['balance_tokens', 'general_balance_tokens', 'unlimited_lot', 'used_this_month_tokens', 'last_active_day', 'figures_as_of'];
const utc = (column: SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * One page of accounts after `after` (account id order). Marked handled at once: a download
 * abandoned mid-way leaves the page read ahead unawaited, and its failure is then nobody's to report.
 */
function accountPage<T>(exec: Executor, page: SQL): Promise<T[]> {
	const rows = queryRows<T>(exec, page);
	rows.catch(() => {});
	return rows;
}

/**
 * Rows of accounts, a page at a time by account id; the next page is read while this one is
 * written, so the database and the CSV writing overlap.
 */
async function* accountRows<T extends { account_id: string }>(read: (after: string | null) => Promise<T[]>, pageSize: number, row: (r: T) => Row): AsyncGenerator<Row> {
	let next: Promise<T[]> | null = read(null);
	while (next) {
		const page: T[] = await next;
		next = page.length < pageSize ? null : read(page.at(-1)!.account_id);
		for (const r of page) yield row(r);
	}
}

type UserRow = Figures & { account_id: string; user_id: string; name: string; email: string | null; external_id: string | null; site_role: string; role_name: string; disabled: boolean; joined_at: string; pool_used: number };

/**
 * A page of users with the summary's figures: a merge of two primary-key walks, no per-user probe of
 * the lots. A role's name is what the console shows ("Member"); a key without a role row shows itself.
 * Their use of team pools this month (the users list's "+ N from team pools", teams they left
 * included) is read by actor, one index probe per user.
 */
const userPage = (exec: Executor, pageSize: number) => (after: string | null) =>
	accountPage<UserRow>(exec, sql`
		select u.account_id, u.id as user_id, u.name, u.email, u.external_id, u.site_role, coalesce(r.name, u.site_role) as role_name,
		       u.disabled_at is not null as disabled, ${utc(sql`u.created_at`)} as joined_at, ${FIGURES},
		       ${poolUsedSinceSql(sql`u.id::text`, siteMonthStart)} as pool_used
		  from users u
		  left join site_roles r on r.key = u.site_role
		  ${summaryJoin(sql`u.account_id`)}
		 ${after ? sql`where u.account_id > ${after}::uuid` : sql``}
		 order by u.account_id limit ${pageSize}`);

const userRow = (asOf: string) => (r: UserRow): Row => ({
	account_id: r.account_id,
	user_id: r.user_id,
	name: r.name,
	email: r.email,
	external_id: r.external_id,
	role: r.site_role,
	role_name: r.role_name,
	disabled: Boolean(r.disabled),
	joined_at: r.joined_at,
	...figureColumns(r, asOf),
	used_from_team_pools_this_month_tokens: Number(r.pool_used)
});

type TeamRow = Figures & { account_id: string; team_id: string; name: string; owner_email: string | null; members: number; created_at: string };

/** A page of team pools with the summary's figures, their first owner and how many members share them. */
const teamPage = (exec: Executor, pageSize: number) => (after: string | null) =>
	accountPage<TeamRow>(exec, sql`
		select t.account_id, t.id as team_id, t.name,
		       (select u.email from team_members m join users u on u.id = m.user_id
		         where m.team_id = t.id and m.role = 'owner' order by m.joined_at, m.user_id limit 1) as owner_email,
		       (select count(*) from team_members m where m.team_id = t.id)::int as members,
		       ${utc(sql`t.created_at`)} as created_at, ${FIGURES}
		  from teams t
		  ${summaryJoin(sql`t.account_id`)}
		 ${after ? sql`where t.account_id > ${after}::uuid` : sql``}
		 order by t.account_id limit ${pageSize}`);

const teamRow = (asOf: string) => (r: TeamRow): Row => ({
	account_id: r.account_id,
	team_id: r.team_id,
	name: r.name,
	owner_email: r.owner_email,
	members: Number(r.members),
	created_at: r.created_at,
	...figureColumns(r, asOf)
});

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

/** The audit log, newest first by when each entry happened (listAudit's order), with the console's filters. */
async function* auditRows(exec: Executor, q: AuditQuery, pageSize: number): AsyncGenerator<Row> {
	for (let cursor: string | null = null; ; ) {
		const page = await listAudit(exec, { ...q, cursor }, pageSize);
		for (const r of page.rows) {
			yield {
				id: r.id,
				at: r.at,
				action: r.action,
				what: r.words.title,
				actor_user_id: r.actor?.userId ?? null,
				actor: r.actor ? (r.actor.email ? `${r.actor.name} <${r.actor.email}>` : r.actor.name) : r.actorKey ? keyNamed(r.actorKey) : null,
				actor_key_id: r.actorKeyId,
				account_id: r.account?.accountId ?? null,
				account: r.account?.name ?? null,
				target_type: r.targetType,
				target_id: r.targetId,
				ip: r.ip,
				before: json(r.before),
				after: json(r.after),
				detail: json(r.detail)
			};
		}
		if (!page.nextCursor) return;
		cursor = page.nextCursor;
	}
}

/** Operations of a site-local date range, oldest first. */
async function* operationRows(exec: Executor, range: { from: string; to: string }, pageSize: number): AsyncGenerator<Row> {
	const balances = new Map<string, number>();
	// A page and its accounts' names; the next is read while this one is written (as accountRows does). Pages
	// are still read one after another, each once its previous came back: `balances` runs on row by row.
	type Page = { page: OperationRecord[]; names: Map<string, string> };
	const read = (after: { atKey: string; id: string } | null): Promise<Page> => {
		const rows = operationsBetween(exec, range, after, pageSize, balances).then(async (page) => ({ page, names: await accountNames(exec, page.map((o) => o.accountId)) }));
		rows.catch(() => {}); // a download abandoned mid-way leaves the page read ahead unawaited
		return rows;
	};
	let next: Promise<Page> | null = read(null);
	while (next) {
		const { page, names }: Page = await next;
		next = page.length < pageSize ? null : read({ atKey: page.at(-1)!.atKey, id: page.at(-1)!.id });
		for (const o of page) {
			yield {
				id: o.id,
				at: o.at,
				account_id: o.accountId,
				account: names.get(o.accountId) ?? null,
				kind: o.kind,
				status: o.status,
				code: o.code,
				feature: o.feature,
				model: o.model,
				units: o.units,
				tokens: o.tokens,
				cost_tokens: o.cost,
				balance_after_tokens: o.balanceAfter,
				actor_user_id: o.actorUserId,
				actor_key_id: o.actorKeyId
			};
		}
	}
}

const USER_COLUMNS = ['account_id', 'user_id', 'name', 'email', 'external_id', 'role', 'role_name', 'disabled', 'joined_at', ...FIGURE_COLUMNS, 'used_from_team_pools_this_month_tokens'];
const TEAM_COLUMNS = ['account_id', 'team_id', 'name', 'owner_email', 'members', 'created_at', ...FIGURE_COLUMNS];
const AUDIT_COLUMNS = ['id', 'at', 'action', 'what', 'actor_user_id', 'actor', 'actor_key_id', 'account_id', 'account', 'target_type', 'target_id', 'ip', 'before', 'after', 'detail'];
const OPERATION_COLUMNS = ['id', 'at', 'account_id', 'account', 'kind', 'status', 'code', 'feature', 'model', 'units', 'tokens', 'cost_tokens', 'balance_after_tokens', 'actor_user_id', 'actor_key_id'];

const PAYMENT_COLUMNS = ['at', 'kind', 'adjustment_type', 'currency', 'amount', 'amount_minor_units', 'order_id', 'product', 'quantity', 'account_id', 'account', 'order_status_now', 'paddle_transaction_id', 'paddle_adjustment_id'];

const stamp = () => new Date().toISOString().slice(0, 10);

/**
 * Every user with their balances and this month's use, as CSV, with the time those figures are
 * as of (the summary is brought up to date first). `pageSize`: rows per database round trip.
 */
export async function usersCsv(exec: Executor, pageSize = EXPORT_PAGE): Promise<CsvExport> {
	const { asOf } = await refreshAccountFigures(exec);
	return { filename: `quota-users-${stamp()}.csv`, body: csv(USER_COLUMNS, accountRows(userPage(exec, pageSize), pageSize, userRow(asOf))) };
}

/**
 * Every team pool with its balances and this month's use (the same figure columns as the users
 * export), its first owner's email and its member count, as CSV. A file of its own: a pool is no
 * person, so it has no user id, email, role or sign-up, and the users export's rows stay people.
 */
export async function teamsCsv(exec: Executor, pageSize = EXPORT_PAGE): Promise<CsvExport> {
	const { asOf } = await refreshAccountFigures(exec);
	return { filename: `quota-team-pools-${stamp()}.csv`, body: csv(TEAM_COLUMNS, accountRows(teamPage(exec, pageSize), pageSize, teamRow(asOf))) };
}

/**
 * The audit log (newest first), filtered as on the Audit page, as CSV: `what` in the page's words
 * ("Bonus granted"), before/after/detail as JSON text. Errors: `invalid_input` for a bad date, before the download starts.
 */
export async function auditCsv(exec: Executor, q: AuditQuery, pageSize = EXPORT_PAGE): Promise<CsvExport> {
	await listAudit(exec, q, 1);
	return { filename: `quota-audit-${stamp()}.csv`, body: csv(AUDIT_COLUMNS, auditRows(exec, q, pageSize)) };
}

/**
 * The operations of a date range (site-local days, both included) as CSV. `tokens` is the signed
 * change of the balance as the member's statement counts it (+ granted, − spent, expired, taken back),
 * so a column sum is the balance's movement; `cost_tokens` is what a use cost (empty for grants,
 * expiries, clawbacks and adjustments); `balance_after_tokens` the balance after the row, as the
 * statement shows it (`operationsBetween`). The range is checked before the download starts. Errors: `invalid_input` (see `operationsBetween`).
 */
export async function operationsCsv(exec: Executor, range: { from: string; to: string }, pageSize = EXPORT_PAGE): Promise<CsvExport> {
	await operationsBetween(exec, range, null, 1, new Map()); // refuses a bad range as a 4xx, not as a broken download
	return { filename: `quota-operations-${range.from}-to-${range.to}.csv`, body: csv(OPERATION_COLUMNS, operationRows(exec, range, pageSize)) };
}

/**
 * The payments, refunds, chargebacks and chargeback reversals of a date range (site-local days, both
 * included) as CSV, oldest first: `amount` signed in the currency's main unit ("-499.99"), as the
 * Overview's Revenue counts them (store/overview.ts paymentMovements), so a month's file adds up to its
 * Gross, Refunds, Chargebacks and Net. Errors: `invalid_input` for a bad day or range, before the download starts.
 */
export async function paymentsCsv(exec: Executor, range: { from: string; to: string }): Promise<CsvExport> {
	for (const field of ['from', 'to'] as const) if (!isDay(range[field])) throw new DomainError('invalid_input', dayRule(field, range[field]));
	if (range.to < range.from) throw new DomainError('invalid_input', 'The range ends before it starts.');
	const moves = await paymentMovements(exec, range);
	const names = await accountNames(exec, moves.flatMap((m) => (m.accountId ? [m.accountId] : [])));
	async function* rows(): AsyncGenerator<Row> {
		for (const m of moves) {
			yield {
				at: m.at,
				kind: m.kind,
				adjustment_type: m.adjustmentType,
				currency: m.currency,
				amount: toMain(m.amountCents, m.currency).toFixed(minorDigits(m.currency)),
				amount_minor_units: m.amountCents,
				order_id: m.orderId,
				product: m.productName,
				quantity: m.quantity,
				account_id: m.accountId,
				account: m.accountId ? (names.get(m.accountId) ?? null) : null,
				order_status_now: m.orderStatusNow,
				paddle_transaction_id: m.transactionId,
				paddle_adjustment_id: m.adjustmentId
			};
		}
	}
	return { filename: `quota-payments-${range.from}-to-${range.to}.csv`, body: csv(PAYMENT_COLUMNS, rows()) };
}
