// Allowance rollover (issue 17.3): unused free tokens carry into the next period as lots of source
// `rollover` (drizzle/functions/rollover.sql does the work; this is its schedule entry, the Limits
// page's setting and the dashboard's lines).
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor } from '../db';
import { queryRows, uuidArray } from '../db/client';
import { read, readOne, type Read } from '../db/reads';
import { allowanceRules, modules } from '../db/schema';
import { DomainError } from '../errors';
import { callLedger } from './sql-result';
import { announceGrant } from './events';
import type { Period } from './types';

/**
 * How a module's allowance rules roll over: up to `capTokens` tokens, or up to `capPercent` % of the
 * period's limit (exactly one is set), held from the rule's rollovers at a time; each rolled-over lot
 * expires after `expiresAfterPeriods` periods (null = never). null: unused tokens are lost at reset.
 */
export interface RolloverSetting {
	capTokens: number | null;
	capPercent: number | null;
	expiresAfterPeriods: number | null;
}

/** The longest expiry, in periods (ten years of months). */
export const MAX_ROLLOVER_PERIODS = 120;

const rolloverAnswer = z.object({
	accounts: z.number().int().nonnegative(),
	tokens: z.number().int().nonnegative(),
	periods_done: z.number().int().nonnegative(),
	lots: z.array(z.uuid()),
	more: z.boolean()
});

/** What one run of the rollover job did. */
export interface RolloverRun {
	/** Accounts rolled over (including those whose cap was already full: 0 tokens). */
	accounts: number;
	/** Tokens granted as rollover lots. */
	tokens: number;
	/** (rule, period) pairs finished. */
	periodsDone: number;
}

/**
 * Rolls over every ended period of every rule with rollover on, in transactions of up to `batch`
 * accounts (each locked only for its own transaction), until nothing is due or `maxBatches` ran.
 * Idempotent per (account, rule, period): safe to run again, and from several processes. `now`: the
 * instant to run as (tests); default the database's now(). The schedule runs it every minute
 * (`ledger.rollover`).
 */
export async function rollOver(db: Db, opts: { now?: Date; batch?: number; maxBatches?: number } = {}): Promise<RolloverRun> {
	const total: RolloverRun = { accounts: 0, tokens: 0, periodsDone: 0 };
	for (let i = 0; i < (opts.maxBatches ?? 20); i++) {
		const r = await db.orm.transaction(async (tx) => {
			const run = await callLedger(tx, sql`select quota_rollover(p_limit => ${opts.batch ?? 500}, p_now => ${opts.now ? sql`${opts.now.toISOString()}::timestamptz` : sql`now()`}) as r`, rolloverAnswer);
			await announceLots(tx, run.lots);
			return run;
		});
		total.accounts += r.accounts;
		total.tokens += r.tokens;
		total.periodsDone += r.periods_done;
		// `more` with nothing done: only busy accounts are left; the next run takes them.
		if (!r.more || (r.accounts === 0 && r.periods_done === 0)) break;
	}
	return total;
}

/** `grant.created` for each new rollover lot, in the transaction that made it (as for any grant). */
async function announceLots(tx: Executor, ids: string[]) {
	if (!ids.length) return;
	const lots = await queryRows<{ id: string; account_id: string; operation_id: string; amount: number; expires_at: Date | string | null; note: string | null }>(
		tx,
		sql`select id, account_id, operation_id, amount, expires_at, note from lots where id = any(${uuidArray(ids)})`
	);
	for (const l of lots) {
		await announceGrant(tx, l.account_id, {
			lotId: l.id,
			operationId: l.operation_id,
			tokens: Number(l.amount),
			source: 'rollover',
			expiresAt: l.expires_at === null ? null : new Date(l.expires_at),
			note: l.note
		});
	}
}

/** Every module's rollover setting (the one its rules share), by module key; null = off. */
export async function moduleRollovers(exec: Executor): Promise<Record<string, RolloverSetting | null>> {
	const rows = await queryRows<{ module: string; cap_tokens: number | null; cap_percent: number | null; periods: number | null }>(
		exec,
		sql`select m.key as module, r.rollover_cap_tokens as cap_tokens, r.rollover_cap_percent as cap_percent, r.rollover_periods as periods
		      from modules m
		      left join lateral (select * from allowance_rules r where r.module = m.key and r.rollover_since is not null
		                          order by r.audience, r.id limit 1) r on true
		     order by m.key`
	);
	return Object.fromEntries(
		rows.map((r) => [
			r.module,
			r.cap_tokens === null && r.cap_percent === null
				? null
				: { capTokens: r.cap_tokens === null ? null : Number(r.cap_tokens), capPercent: r.cap_percent, expiresAfterPeriods: r.periods }
		])
	);
}

function checkSetting(s: RolloverSetting) {
	const whole = (v: number | null, min: number, max: number) => v === null || (Number.isSafeInteger(v) && v >= min && v <= max);
	if ((s.capTokens === null) === (s.capPercent === null)) {
		throw new DomainError('invalid_input', 'Give the most rolled-over tokens held at a time either in tokens or as a share of the limit.', { field: 'cap' });
	}
	if (!whole(s.capTokens, 1, Number.MAX_SAFE_INTEGER)) throw new DomainError('invalid_input', 'The maximum held in tokens is a whole number ≥ 1.', { field: 'capTokens' });
	if (!whole(s.capPercent, 1, 100)) throw new DomainError('invalid_input', 'The maximum held as a share is a whole percent from 1 to 100.', { field: 'capPercent' });
	if (!whole(s.expiresAfterPeriods, 1, MAX_ROLLOVER_PERIODS)) {
		throw new DomainError('invalid_input', `Rolled-over tokens expire after 1 to ${MAX_ROLLOVER_PERIODS} periods, or never.`, { field: 'expiresAfterPeriods' });
	}
}

/**
 * Sets how every allowance rule of `module` rolls over (null: off) and returns the module's setting.
 * Switching it on starts with the period in progress (it rolls over when it ends; earlier periods are
 * not backfilled); changing the caps keeps that start. Errors: unknown_module; invalid_input (a
 * module whose free tokens never reset, or a bad cap/expiry).
 */
export async function saveModuleRollover(exec: Executor, module: string, setting: RolloverSetting | null): Promise<RolloverSetting | null> {
	const [mod] = await exec.select().from(modules).where(eq(modules.key, module)).for('update');
	if (!mod) throw new DomainError('unknown_module', `Unknown module '${module}'.`);
	if (setting) {
		checkSetting(setting);
		const rules = await exec.select({ period: allowanceRules.period }).from(allowanceRules).where(eq(allowanceRules.module, module));
		if (!rules.length) throw new DomainError('invalid_input', 'Set a free allowance for this module first: there is nothing to roll over.', { field: 'cap' });
		if (rules.some((r) => r.period === 'never')) {
			throw new DomainError('invalid_input', 'These free tokens never reset, so nothing rolls over: choose a daily, weekly or monthly reset first.', { field: 'cap' });
		}
	}
	await exec
		.update(allowanceRules)
		.set({
			rolloverCapTokens: setting?.capTokens ?? null,
			rolloverCapPercent: setting?.capPercent ?? null,
			rolloverPeriods: setting?.expiresAfterPeriods ?? null,
			rolloverSince: setting ? sql`coalesce(${allowanceRules.rolloverSince}, now())` : null
		})
		.where(eq(allowanceRules.module, module));
	return (await moduleRollovers(exec))[module] ?? null;
}

/** One rolled-over lot the account still holds, for the dashboard's line. */
export interface RolloverLine {
	lotId: string;
	/** The module (key) and its name: what the free tokens were for. */
	module: string;
	moduleName: string;
	/** The rule's period, and the site-local first day (YYYY-MM-DD) of the period the tokens came from. */
	period: Period;
	fromDay: string;
	/** True when that period is the one just before the current one ("last week"). */
	fromPrevious: boolean;
	/** Tokens rolled over, and what is left of them now. */
	tokens: number;
	remaining: number;
	/** When what is left expires (ISO 8601), and the last site-local day (YYYY-MM-DD) it is usable on; null = never. */
	expiresAt: string | null;
	lastDay: string | null;
}

/** The rollover lots `accountId` holds with tokens left at `now`, the newest first. */
export function rolloverLines(exec: Executor, accountId: string, now: Date = new Date()): Promise<RolloverLine[]> {
	return readOne(exec, rolloverLinesRead(accountId, now));
}

/** The read behind `rolloverLines`. */
export function rolloverLinesRead(accountId: string, now: Date = new Date()): Read<RolloverLine[]> {
	const at = sql`${now.toISOString()}::timestamptz`;
	return read(
		sql`select l.id as lot_id, ru.module, coalesce(m.name, l.note) as module_name, ru.period,
		           to_char(r.window_start at time zone s.time_zone, 'YYYY-MM-DD') as from_day,
		           r.window_end = quota_window_start(ru.period, s.time_zone, s.week_start, ${at}) as from_previous,
		           r.tokens, l.remaining, l.expires_at,
		           to_char((l.expires_at - interval '1 microsecond') at time zone s.time_zone, 'YYYY-MM-DD') as last_day
		      from allowance_rollovers r
		      join lots l on l.id = r.lot_id
		      join allowance_rules ru on ru.id = r.rule_id
		      left join modules m on m.key = ru.module
		      cross join site_settings s
		     where s.id = 1 and r.account_id = ${accountId}::uuid and l.remaining > 0 and (l.expires_at is null or l.expires_at > ${at})
		     order by r.window_end desc, m.name`,
		(rows: {
			lot_id: string; module: string; module_name: string; period: Period; from_day: string; from_previous: boolean;
			tokens: number; remaining: number; expires_at: Date | string | null; last_day: string | null;
		}[]) => rows.map((r) => ({
		lotId: r.lot_id,
		module: r.module,
		moduleName: r.module_name,
		period: r.period,
		fromDay: r.from_day,
		fromPrevious: r.from_previous,
		tokens: Number(r.tokens),
		remaining: Number(r.remaining),
		expiresAt: r.expires_at === null ? null : new Date(r.expires_at).toISOString(),
		lastDay: r.last_day
	}))
	);
}

/**
 * Gives the module's rules that have no rollover (made after it was switched on: a new role, a team's
 * or a member's rule) the setting the module's other rules have, so a module rolls over one way.
 */
export async function rolloverFollowsModule(exec: Executor, module: string): Promise<void> {
	await exec.execute(sql`
		update allowance_rules r
		   set rollover_cap_tokens = s.rollover_cap_tokens, rollover_cap_percent = s.rollover_cap_percent,
		       rollover_periods = s.rollover_periods, rollover_since = s.rollover_since
		  from (select * from allowance_rules where module = ${module} and rollover_since is not null order by audience, id limit 1) s
		 where r.module = ${module} and r.rollover_since is null`);
}
