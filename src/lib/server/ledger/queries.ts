import { sql, type SQL } from 'drizzle-orm';
import { isUuid, queryRows, uuidArray, type Executor } from '../db/client';
import { batcher, READ_BATCHES } from '../db/batches';
import { isTransaction } from '../db/notices';
import { mapRead, read, readOne, together, type Answer, type Read } from '../db/reads';
import { DomainError } from '../errors';
import { GENERAL_BALANCE, NO_MODEL } from '../../model-words';
import type { HeldFrom } from '../../held-words';
import { wholeNumber } from './validate';
import type { Level, LotSource, Period } from './types';
import { allocationShare, levelOf, type AllocationShare } from './share';
import { siteTimeZone } from './account-figures';

/**
 * One part of an allocation: its live lots that expire together and, for grants a member tells
 * apart (subscriptions, bonuses, referrals, events, admin grants, chargeback reversals), carry the
 * same source and note. Purchased packs are one part per expiry: the pack that paid is no news.
 */
export interface AllocationPart {
	source: LotSource;
	/** The grants' note ("Monthly plan", "Invited Leo"); null for purchased packs. */
	note: string | null;
	remaining: number;
	amount: number;
	unlimited: boolean;
	/** null = never expires. */
	expiresAt: string | null;
}

export interface Allocation {
	/** null = general tokens, usable by every model. */
	model: string | null;
	name: string;
	engine: string | null;
	remaining: number;
	amount: number;
	unlimited: boolean;
	/** Soonest expiry among its lots; null = no expiration. */
	expiresAt: string | null;
	/**
	 * Tokens that expire at `expiresAt`: the remaining tokens of its lots that end then (the sum of the
	 * `parts` of that moment, the dashboard's "N expire …" lines; an unlimited lot adds none). null when
	 * `expiresAt` is (nothing expires).
	 */
	expiringTokens: number | null;
	/** What it is made of, soonest expiry first (never-expiring last): the order they are spent in. */
	parts: AllocationPart[];
}

export interface AllowanceStatus {
	module: string;
	name: string;
	used: number;
	limit: number | null;
	period: Period;
	resetsAt: string | null;
	message: string;
	/** The names of the module's features (enabled ones, by name): what spends this allowance, as usage names it. */
	features: string[];
}

export interface Balances {
	accountId: string;
	/** Available + held. */
	total: number;
	/**
	 * Tokens this account can spend now: the remaining tokens of its live lots (every model scope;
	 * open holds already deducted) plus what is left of each free allowance in its current window
	 * (finite limits only). Unlimited lots and allowances add nothing countable (see `anyUnlimited`).
	 */
	available: number;
	held: number;
	/** Where `held` came from (lib/held-words.ts): the balance and the free tokens left are already after these. */
	heldFrom: HeldFrom;
	/**
	 * Some unlimited lot is in force: one model's, or every model's. Not GET /api/v1/balance's
	 * `unlimited`, which is every model's only: say that with `unlimitedUse(allocations)`.
	 */
	anyUnlimited: boolean;
	/** Tokens used in the site's current daily window (local day, site time zone). */
	usedToday: number;
	/** Tokens used in the site's current monthly window. */
	usedThisMonth: number;
	activeAllocations: number;
	/** Whether the account was ever granted tokens (spent and expired lots count): "none yet" is not "none left". */
	everGranted: boolean;
	level: Level;
	lowSharePercent: number;
	allocations: Allocation[];
	allowances: AllowanceStatus[];
	asOf: string;
}

/** The account's live allocations (lots not expired and not spent), general first, then per model. */
export async function allocationsOf(exec: Executor, accountId: string): Promise<Allocation[]> {
	return (await allocationsByAccount(exec, [accountId])).get(accountId) ?? [];
}

/** `allocationsOf` for several accounts in one read (an account without live lots is absent). */
export async function allocationsByAccount(exec: Executor, accountIds: string[]): Promise<Map<string, Allocation[]>> {
	return readOne(exec, allocationsRead(accountIds));
}

/** The read behind `allocationsByAccount`. */
export function allocationsRead(accountIds: string[]): Read<Map<string, Allocation[]>> {
	return read<{
		account_id: string; model: string | null; name: string | null; engine: string | null; source: LotSource; note: string | null;
		remaining: number; amount: number; unlimited: boolean; expires_at: string | null;
	}, Map<string, Allocation[]>>(sql`
		select l.account_id, l.model, m.name, m.engine, min(l.source) as source, nullif(l.note_key, '') as note,
		       sum(l.remaining)::int8 as remaining, sum(l.amount)::int8 as amount, bool_or(l.unlimited) as unlimited, l.expires_at
		  from (select *, case when source = 'purchase' then '' else source || chr(31) || coalesce(note, '') end as part_key,
		               case when source = 'purchase' then '' else coalesce(note, '') end as note_key
		          from lots) l
		  left join models m on m.key = l.model
		 where l.account_id = any(${uuidArray(accountIds)})
		   and (l.expires_at is null or l.expires_at > now())
		   and (l.remaining > 0 or l.unlimited)
		 group by l.account_id, l.model, m.name, m.engine, l.part_key, l.note_key, l.expires_at
		 order by l.account_id, l.model nulls first, l.expires_at nulls last, l.part_key`, (rows) => {
		const byAccount = new Map<string, Allocation[]>();
		for (const r of rows) {
			const list = byAccount.get(r.account_id) ?? [];
			let a = list.at(-1);
			if (!a || a.model !== r.model) {
				a = { model: r.model, name: r.name ?? GENERAL_BALANCE, engine: r.engine, remaining: 0, amount: 0, unlimited: false, expiresAt: null, expiringTokens: null, parts: [] };
				list.push(a);
			}
			const expiresAt = r.expires_at ? new Date(r.expires_at).toISOString() : null;
			const part = { source: r.source, note: r.note, remaining: Number(r.remaining), amount: Number(r.amount), unlimited: r.unlimited, expiresAt };
			a.parts.push(part);
			a.remaining += part.remaining;
			a.amount += part.amount;
			a.unlimited ||= part.unlimited;
			a.expiresAt ??= expiresAt;
			// Soonest expiry first (never last): the parts of that moment are what expires first.
			if (expiresAt !== null && expiresAt === a.expiresAt) a.expiringTokens = (a.expiringTokens ?? 0) + (part.unlimited ? 0 : part.remaining);
			byAccount.set(r.account_id, list);
		}
		return byAccount;
	});
}

/**
 * `available` (see Balances): what `allocations` leave to spend plus what is left of `allowances`
 * (unlimited lots and allowances add nothing countable; an unlimited lot's allocation still counts
 * the tokens of its other lots, its own `remaining` being 0). Without allowances: the lots alone.
 */
export function availableOf(allocations: Allocation[], allowances: AllowanceStatus[] = []): number {
	return (
		allocations.reduce((n, a) => n + a.remaining, 0) +
		allowances.reduce((n, x) => n + (x.limit === null ? 0 : Math.max(x.limit - x.used, 0)), 0)
	);
}

/** Tokens held by each account's open holds (an account without any is absent). */
function heldRead(accountIds: string[]): Read<Map<string, number>> {
	return read(
		sql`select account_id, sum(amount)::int8 as held from holds
		     where account_id = any(${uuidArray(accountIds)}) and status = 'open'
		     group by account_id`,
		(rows: { account_id: string; held: number }[]) => new Map(rows.map((h) => [h.account_id, Number(h.held)]))
	);
}

/**
 * What the live countable lots that running holds emptied were granted, per account (none: absent):
 * their tokens are held, still the account's, so the lots stay in the base of its share (share.ts).
 */
function heldLotsRead(accountIds: string[]): Read<Map<string, number>> {
	return read(
		sql`select l.account_id, sum(l.amount)::int8 as amount
		      from lots l
		     where l.id in (select e.lot_id from holds h join entries e on e.operation_id = h.operation_id
		                     where h.account_id = any(${uuidArray(accountIds)}) and h.status = 'open' and e.lot_id is not null)
		       and l.remaining = 0 and not l.unlimited and (l.expires_at is null or l.expires_at > now())
		     group by l.account_id`,
		(rows: { account_id: string; amount: number }[]) => new Map(rows.map((r) => [r.account_id, Number(r.amount)]))
	);
}

/** Of an account's open holds' tokens, those taken from its countable lots and from its free allowances' windows. */
function heldFromRead(accountId: string): Read<HeldFrom> {
	return read(
		sql`select coalesce(-sum(e.amount) filter (where l.id is not null and not l.unlimited), 0)::int8 as lots,
		           coalesce(-sum(e.amount) filter (where e.window_id is not null), 0)::int8 as allowances
		      from holds h join entries e on e.operation_id = h.operation_id left join lots l on l.id = e.lot_id
		     where h.account_id = ${accountId}::uuid and h.status = 'open'`,
		([r]: { lots: string | number; allowances: string | number }[]) => ({ lots: Number(r?.lots ?? 0), allowances: Number(r?.allowances ?? 0) })
	);
}

/** Where an account's open holds took their tokens from (HeldFrom, tokens): what `heldWords` says, as `balances` gives it. */
export function heldFrom(exec: Executor, accountId: string): Promise<HeldFrom> {
	return readOne(exec, heldFromRead(accountId));
}

/**
 * `allocationShare` of several accounts in one statement, whatever their number (alerts check many
 * at once); `modulesOf` narrows an account's free allowances to those modules' (see allocationShare).
 */
export async function allocationShares(exec: Executor, accountIds: string[], modulesOf?: (accountId: string) => ReadonlySet<string> | undefined): Promise<Map<string, AllocationShare>> {
	const { allocations, allowances, held, heldLots } = await readOne(
		exec,
		together({
			allocations: allocationsRead(accountIds),
			allowances: allowancesRead(accountIds),
			held: heldRead(accountIds),
			heldLots: heldLotsRead(accountIds)
		})
	);
	return new Map(
		accountIds.map((id) => [
			id,
			allocationShare(
				{ allocations: allocations.get(id) ?? [], allowances: allowances.get(id) ?? [], held: held.get(id) ?? 0, heldLots: heldLots.get(id) ?? 0 },
				modulesOf?.(id)
			)
		])
	);
}

/** What an account can spend now: the part of `Balances` the balance API answers. */
export type Spendable = Pick<Balances, 'accountId' | 'allocations' | 'allowances' | 'available' | 'held'>;

/**
 * An account's live allocations, allowances, held tokens and `available` (see Balances), in one
 * statement: `GET /api/v1/balance` answers these and no more. On the database (not inside a
 * transaction) concurrent calls share one statement (`spendableBatch`). Throws `not_found` when
 * there is no such account.
 */
export async function spendable(exec: Executor, accountId: string): Promise<Spendable> {
	if (isTransaction(exec)) return readOne(exec, spendableRead(accountId));
	return spendableBatch(exec, accountId);
}

/** Balance requests that arrive while others are read go together: one statement per batch (db/batches.ts). */
const spendableBatch = batcher<string, Spendable>(
	async (exec, accountIds) => {
		const ids = [...new Set(accountIds.filter(isUuid).map((id) => id.toLowerCase()))];
		const found = ids.length ? await readOne(exec, spendableOfRead(ids)) : new Map<string, Spendable>();
		return accountIds.map((id) => {
			const value = found.get(id.toLowerCase());
			return value ? { ok: true, value } : { ok: false, error: new DomainError('not_found', 'No such account.') };
		});
	},
	() => READ_BATCHES
);

/** The read behind `spendable`, and the part of `balancesRead` it shares. */
export function spendableRead(accountId: string): Read<Spendable> {
	return mapRead(spendableOfRead([accountId]), (found) => {
		const value = found.get(accountId.toLowerCase());
		if (!value) throw new DomainError('not_found', 'No such account.');
		return value;
	});
}

/** `spendable` of several accounts in one statement (an account that does not exist is absent). */
function spendableOfRead(accountIds: string[]): Read<Map<string, Spendable>> {
	const parts = together({
		allocations: allocationsRead(accountIds),
		allowances: allowancesRead(accountIds),
		held: heldRead(accountIds),
		accounts: read(sql`select id from accounts where id = any(${uuidArray(accountIds)})`, (rows: { id: string }[]) => rows.map((r) => r.id))
	});
	return mapRead(parts, (p) => {
		return new Map(
			p.accounts.map((accountId) => {
				const allocations = p.allocations.get(accountId) ?? [];
				const allowances = p.allowances.get(accountId) ?? [];
				return [accountId, { accountId, allocations, allowances, available: availableOf(allocations, allowances), held: p.held.get(accountId) ?? 0 }];
			})
		);
	});
}

/**
 * The dashboard's figures for one account, all from the ledger, in one statement (`balancesRead`).
 * `lowSharePercent`: the viewer's threshold (a read, so it joins the same statement), default the
 * site's. Throws `not_found` when there is no such account.
 */
export async function balances(exec: Executor, accountId: string, opts: { lowSharePercent?: Read<number | undefined> } = {}): Promise<Balances> {
	return readOne(exec, balancesRead(accountId, opts));
}

/** The figures of `balances` beside `spendable`: use today and this month, the site's share, whether it was ever granted. */
function balanceTotalsRead(accountId: string) {
	return read(
		sql`
		select (select coalesce(sum(d.tokens), 0)::int8 from quota_windows('daily', 1) w
		          join usage_daily d on d.account_id = ${accountId}::uuid and d.day between w.first_day and w.last_day) as used_today,
		       (select coalesce(sum(d.tokens), 0)::int8 from quota_windows('monthly', 1) w
		          join usage_daily d on d.account_id = ${accountId}::uuid and d.day between w.first_day and w.last_day) as used_month,
		       s.low_share_percent as low_share,
		       exists (select 1 from lots where account_id = ${accountId}::uuid) as ever_granted
		  from site_settings s where s.id = 1`,
		([t]: { used_today: number; used_month: number; low_share: number; ever_granted: boolean }[]) => ({
			usedToday: Number(t!.used_today),
			usedThisMonth: Number(t!.used_month),
			lowShare: Number(t!.low_share),
			everGranted: t!.ever_granted
		})
	);
}

/**
 * The read behind `balances`: `spendable`, the totals (and the viewer's threshold) as one statement. The
 * lots running holds emptied are read in it (heldLotsRead), so the level measures what the alerts do.
 */
export function balancesRead(accountId: string, opts: { lowSharePercent?: Read<number | undefined> } = {}): Read<Balances> {
	const figures = { spendable: spendableRead(accountId), totals: balanceTotalsRead(accountId), heldFrom: heldFromRead(accountId), heldLots: heldLotsRead([accountId]) };
	// The viewer's own threshold is read beside them when asked for; without one the site's (in totals) applies.
	const parts: Read<{ [K in keyof typeof figures]: Answer<(typeof figures)[K]> } & { lowShare: number | undefined }> = opts.lowSharePercent
		? together({ ...figures, lowShare: opts.lowSharePercent })
		: mapRead(together(figures), (f) => ({ ...f, lowShare: undefined }));
	return mapRead(parts, ({ spendable: { allocations, allowances, available, held }, totals, heldFrom, heldLots, lowShare }) => {
		const lowSharePercent = lowShare ?? totals.lowShare;
		return {
			accountId,
			total: available + held,
			available,
			held,
			heldFrom,
			anyUnlimited: allocations.some((a) => a.unlimited),
			usedToday: totals.usedToday,
			usedThisMonth: totals.usedThisMonth,
			activeAllocations: allocations.length,
			everGranted: totals.everGranted,
			level: levelOf({ allocations, allowances, held, heldLots: heldLots.get(accountId) ?? 0 }, lowSharePercent),
			lowSharePercent,
			allocations,
			allowances,
			asOf: new Date().toISOString()
		};
	});
}

/** Each module's free allowance for this account: used / limit / next reset (none for a module not available to it, limit 0). */
export async function allowanceStatus(exec: Executor, accountId: string): Promise<AllowanceStatus[]> {
	return (await allowancesByAccount(exec, [accountId])).get(accountId) ?? [];
}

/**
 * `allowanceStatus` for several accounts in one read (an account without allowances is absent). A
 * guest has every module: one no guest rule names is off for them as a limit of 0 is (limit 0, period
 * never, no reset), as a spend refuses it (`feature_disabled`, quota_spend_plan), and its message is
 * the spend's: that it needs an account (quota_guest_off_message), not the module's limit message.
 */
export async function allowancesByAccount(exec: Executor, accountIds: string[]): Promise<Map<string, AllowanceStatus[]>> {
	return readOne(exec, allowancesRead(accountIds));
}

/** The read behind `allowancesByAccount`. */
export function allowancesRead(accountIds: string[]): Read<Map<string, AllowanceStatus[]>> {
	return read<{
		account_id: string; module: string; name: string; message: string; limit_tokens: number | null; period: Period; used: number;
		resets_at: string | null; features: string[];
	}, Map<string, AllowanceStatus[]>>(sql`
		select a.id as account_id, m.key as module, m.name,
		       case when quota_module_off(r, acc.kind) then quota_module_off_message(r, m) else m.limit_message end as message,
		       case when r.id is null then 0 else r.limit_tokens end as limit_tokens, coalesce(r.period, 'never') as period,
		       case when r.id is null then 0 else quota_allowance_used(a.id, r, quota_window_start(r.period, s.time_zone, s.week_start, now())) end as used,
		       -- A module not available to the account (limit 0; a guest's module without a guest rule) has no window to reset.
		       case when r.id is not null and r.limit_tokens is distinct from 0 then quota_window_end(r.period, s.time_zone, s.week_start, now()) end as resets_at,
		       to_jsonb(array(select f.name from features f where f.module = m.key and f.enabled order by f.name)) as features
		  from unnest(${uuidArray(accountIds)}) as a(id)
		  -- Each account by its key: joined plainly, a generic plan (estimating 10 ids, and the module
		  -- tables, rarely analyzed, large) sorted every account to merge them, 14 ms at 10,000.
		  -- OFFSET 0 keeps the subquery a per-id index lookup.
		  cross join lateral (select kind from accounts where id = a.id offset 0) acc
		  cross join modules m
		  cross join site_settings s
		  cross join lateral quota_allowance_rule(a.id, m.key) r
		 where s.id = 1 and (r.id is not null or acc.kind = 'guest')
		 order by a.id, m.key`, (rows) => {
		const byAccount = new Map<string, AllowanceStatus[]>();
		for (const r of rows) {
			const list = byAccount.get(r.account_id) ?? [];
			list.push({
				module: r.module,
				name: r.name,
				used: Number(r.used),
				limit: r.limit_tokens === null ? null : Number(r.limit_tokens),
				period: r.period,
				resetsAt: r.resets_at ? new Date(r.resets_at).toISOString() : null,
				message: r.message,
				features: r.features
			});
			byAccount.set(r.account_id, list);
		}
		return byAccount;
	});
}

export type RollupBy = 'feature' | 'model' | 'member';
/** The periods a report is cut into: the windows of allowances and caps ('never' has just one). */
export type ReportPeriod = Exclude<Period, 'never'>;
/** Most windows one report asks for (a year of days). */
export const MAX_REPORT_WINDOWS = 366;

export interface RollupRow {
	/** The window: its first site-local day, YYYY-MM-DD. */
	bucket: string;
	key: string;
	label: string;
	tokens: number;
	operations: number;
}

export interface Rollup {
	/** Every window reported, oldest first, named by its first site-local day (YYYY-MM-DD). */
	buckets: string[];
	/** Use per window and key (feature, model or member), windows in order, biggest first within one; a window without use has none. */
	rows: RollupRow[];
	/** The site's time zone (IANA id), whose days the windows are: a report names it. */
	timeZone: string;
}

/** The site's last `windows` report windows of `period` (quota_windows); `invalid_input` past MAX_REPORT_WINDOWS. */
function reportWindows(opts: { period: ReportPeriod; windows: number; now?: Date }): SQL {
	const count = wholeNumber('windows', opts.windows, 1, MAX_REPORT_WINDOWS);
	return sql`quota_windows(${opts.period}, ${count}, ${(opts.now ?? new Date()).toISOString()}::timestamptz)`;
}

/**
 * The SQL of a report's rows (exported for EXPLAIN checks). The member join compares uuids
 * (`actor_user_id` is text: '' for API keys), so it is one index lookup per row; comparing
 * `users.id::text` instead read and sorted every user of the site for each report.
 */
export function rollupQuery(accountId: string, opts: { period: ReportPeriod; windows: number; by: RollupBy; now?: Date }): SQL {
	const key =
		opts.by === 'feature' ? sql`d.feature` : opts.by === 'model' ? sql`nullif(d.model, '')` : sql`nullif(d.actor_user_id, '')`;
	const label =
		opts.by === 'feature'
			? sql`coalesce(f.name, d.feature)`
			: opts.by === 'model'
				? sql`coalesce(m.name, ${NO_MODEL}::text)`
				: sql`coalesce(u.name, 'API')`;
	return sql`
		select to_char(w.first_day, 'YYYY-MM-DD') as bucket, ${key} as key, ${label} as label,
		       sum(d.tokens)::int8 as tokens, sum(d.operations)::int8 as operations
		  from ${reportWindows(opts)} w
		  join usage_daily d on d.account_id = ${accountId}::uuid and d.day between w.first_day and w.last_day
		  left join features f on f.key = d.feature
		  left join models m on m.key = nullif(d.model, '')
		  left join users u on u.id = nullif(d.actor_user_id, '')::uuid
		 group by 1, 2, 3
		 order by 1, 4 desc`;
}

/**
 * Consumption in the site's last `windows` daily, weekly or monthly windows (the current one
 * included), by feature, model or member, from the daily rollup. The windows are quota_windows':
 * the very windows allowances and caps reset on, in the site's time zone and week start.
 * Throws `invalid_input` unless 1 ≤ `windows` ≤ MAX_REPORT_WINDOWS.
 */
export async function rollups(
	exec: Executor,
	accountId: string,
	opts: { period: ReportPeriod; windows: number; by: RollupBy; now?: Date }
): Promise<Rollup> {
	return readOne(exec, rollupsRead(accountId, opts));
}

/** The read behind `rollups`: the windows and their rows in one statement. */
export function rollupsRead(accountId: string, opts: { period: ReportPeriod; windows: number; by: RollupBy; now?: Date }): Read<Rollup> {
	const at = { ...opts, now: opts.now ?? new Date() }; // one instant: the buckets and the rows are the same windows
	return together({
		buckets: read(sql`select to_char(first_day, 'YYYY-MM-DD') as bucket from ${reportWindows(at)} order by first_day`, (rows: { bucket: string }[]) =>
			rows.map((b) => b.bucket)
		),
		rows: read(rollupQuery(accountId, at), (rows: { bucket: string; key: string | null; label: string; tokens: number; operations: number }[]) =>
			rows.map((r) => ({ bucket: r.bucket, key: r.key ?? '', label: r.label, tokens: Number(r.tokens), operations: Number(r.operations) }))
		),
		timeZone: read(sql`select ${siteTimeZone} as zone`, ([row]: { zone: string }[]) => row!.zone)
	});
}

/**
 * The account a hold belongs to and who opened it (the user its hold operation names: a team member, or
 * who used the app; null for an account's own use), so a caller's access can be checked before closing it.
 * Null when there is no such hold (or `holdId` is not a hold id).
 */
export async function holdAccount(exec: Executor, holdId: string): Promise<{ accountId: string; openedBy: string | null } | null> {
	if (!isUuid(holdId)) return null;
	const [row] = await queryRows<{ account_id: string; opened_by: string | null }>(
		exec,
		sql`select h.account_id, o.actor_user_id as opened_by from holds h left join operations o on o.id = h.operation_id where h.id = ${holdId}::uuid`
	);
	return row ? { accountId: row.account_id, openedBy: row.opened_by } : null;
}
