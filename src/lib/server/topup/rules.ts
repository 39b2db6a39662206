import { eq, inArray, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db';
import { queryRows } from '../db/client';
import { topupRules } from '../db/schema';
import { spendableAccounts } from '../accounts';
import { listProducts, type Product } from '../store';
import { siteMonthStart, siteTimeZone, spendable } from '../ledger';
import { DomainError, fieldRefusal } from '../errors';
import { minorDigits, money, toMinor } from '../../money';
import { counted } from '../../counted';
import { plainFormatter } from '../../refusal-message';
import { dollarScaled } from './dollar-scale';

export type TopupRule = typeof topupRules.$inferSelect;

/** What the member chooses (issue 17.2); tokens, cents of the package's currency, seconds. */
export interface TopupRuleInput {
	enabled: boolean;
	/** Top up when available tokens fall below this many. */
	belowTokens: number;
	/** The package bought each time (a pack: one unit). */
	productId: string;
	/** At most this many top-ups per calendar month (site time zone); null = no count cap. */
	maxPerMonth: number | null;
	/** At most this much money per month, in minor units of the package's currency (cents, whole yen); null = no money cap. */
	maxCentsPerMonth: number | null;
	/** Seconds from one top-up to the next at the earliest. */
	cooldownSeconds: number;
}

/**
 * The bounds the settings form offers and the server checks. `maxMoneyPerMonth` is in US-dollar-sized
 * units, in the rule's package's currency to its magnitude (dollar-scale.ts `dollarScaled`): $1,000,000.00,
 * €1,000,000.00, ¥100,000,000, ₩1,000,000,000, where one figure of the main unit gave ₩1,000,000 (about
 * $700) and one in minor units gave yen a limit 100 times a dollar's. Every rule saved under either
 * (at most 100,000,000 minor units) is within it.
 */
export const TOPUP_LIMITS = { maxBelowTokens: 1_000_000_000, maxPerMonth: 100, maxMoneyPerMonth: 1_000_000, maxCooldownSeconds: 30 * 86400 } as const;

/** The most a rule may spend a month in `currency`'s minor units (TOPUP_LIMITS.maxMoneyPerMonth to its magnitude). */
export const maxMoneyMinor = (currency: string): number => toMinor(dollarScaled(TOPUP_LIMITS.maxMoneyPerMonth, currency), currency);

/**
 * The rule, checked against its package `pack`, whose currency its money limit (minor units) is
 * counted in: a whole number of them from one package's price (less would never top up) to
 * maxMoneyMinor, so a fraction of a yen is refused in words. A rule needs one monthly limit at least:
 * auto top-up never spends without one. Errors: invalid_input (the money limit's on `maxCentsPerMonth`).
 */
export function validRule(input: TopupRuleInput, pack: Pick<Product, 'currency' | 'priceCents'>): TopupRuleInput {
	const L = TOPUP_LIMITS;
	const { currency } = pack;
	const whole = (v: number, min: number, max: number) => Number.isSafeInteger(v) && v >= min && v <= max;
	if (!whole(input.belowTokens, 1, L.maxBelowTokens)) throw new DomainError('invalid_input', `The trigger must be a whole number of tokens from 1 to ${plainFormatter.tokens(L.maxBelowTokens)}.`);
	if (input.maxPerMonth !== null && !whole(input.maxPerMonth, 1, L.maxPerMonth)) throw new DomainError('invalid_input', `At most 1 to ${counted(L.maxPerMonth, 'top-up', plainFormatter.tokens)} a month.`);
	if (input.maxCentsPerMonth !== null && !whole(input.maxCentsPerMonth, 1, maxMoneyMinor(currency))) {
		const range = `from ${money(1, currency, 'en')} to ${money(maxMoneyMinor(currency), currency, 'en')}`;
		throw fieldRefusal(
			'maxCentsPerMonth',
			minorDigits(currency) === 0
				? `${currency} has no smaller unit: the most spent a month is a whole amount ${range}, or none.`
				: `The most spent a month is an amount ${range}, or none.`
		);
	}
	if (input.maxCentsPerMonth !== null && input.maxCentsPerMonth < pack.priceCents) {
		throw fieldRefusal('maxCentsPerMonth', `Less than one package (${money(pack.priceCents, currency, 'en')}): no top-up could be made. Set at least that a month, or none.`);
	}
	if (input.maxPerMonth === null && input.maxCentsPerMonth === null) throw new DomainError('invalid_input', 'Set a monthly limit: a number of top-ups, an amount of money, or both.');
	if (!whole(input.cooldownSeconds, 0, L.maxCooldownSeconds)) throw new DomainError('invalid_input', 'The cooldown must be between 0 and 30 days.');
	return input;
}

/** Just the member's choices of a rule (a stored row carries its state too). */
export function ruleFields(r: TopupRuleInput): TopupRuleInput {
	return { enabled: r.enabled, belowTokens: r.belowTokens, productId: r.productId, maxPerMonth: r.maxPerMonth, maxCentsPerMonth: r.maxCentsPerMonth, cooldownSeconds: r.cooldownSeconds };
}

/** Whether a top-up can buy the package: a pack or bundle on sale, sold by the unit (never a subscription). */
export const forTopup = (p: Product) => p.active && p.kind !== 'subscription';

/** The packages a top-up can buy (`forTopup`). */
export async function topupPackages(exec: Executor): Promise<Product[]> {
	return (await listProducts(exec, { activeOnly: true })).filter(forTopup);
}

/** Tokens available to spend now (lots and allowances, open holds deducted; see `Balances.available`), and whether general tokens are unlimited (never below a trigger). */
export async function availableNow(exec: Executor, accountId: string) {
	const { available, allocations } = await spendable(exec, accountId);
	return { available, unlimited: allocations.some((a) => a.unlimited && a.model === null) };
}

/** The accounts whose auto top-up the user sets: their own, and team pools they own (the owner pays for the pool). */
export async function ruleAccounts(db: Db, userId: string) {
	return (await spendableAccounts(db, userId)).filter((a) => a.kind === 'user' || a.role === 'owner');
}

/** The rules of these accounts, by account id. */
export async function rulesOf(exec: Executor, accountIds: string[]): Promise<Map<string, TopupRule>> {
	if (!accountIds.length) return new Map();
	const rows = await exec.select().from(topupRules).where(inArray(topupRules.accountId, accountIds));
	return new Map(rows.map((r) => [r.accountId, r]));
}

/**
 * Sets an account's auto top-up rule. Only the account's owner: the user for their own tokens, a
 * team's owner for its pool (else `forbidden`). `invalid_input` for a package that is not a one-time
 * package for sale, values out of bounds (the money limit in the package's currency, from its price up, `validRule`), or
 * no monthly cap. Turning it on clears a reason it was
 * turned off for (a declined payment) and arms it: if available tokens are below the trigger
 * already, the next check tops up. A rule turned on, or its trigger changed, starts a crossing whose
 * cause is `set` when available is below the trigger then (the top-up's notice says they were
 * already below it, not that they dropped), else `drop`.
 */
export async function setTopupRule(db: Db, userId: string, accountId: string, input: TopupRuleInput): Promise<TopupRule> {
	if (!(await ruleAccounts(db, userId)).some((a) => a.accountId === accountId)) {
		throw new DomainError('forbidden', 'You can set auto top-up for your own tokens and for the team pools you own.');
	}
	const pack = (await topupPackages(db.orm)).find((p) => p.id === input.productId);
	if (!pack) throw new DomainError('invalid_input', 'Choose a package that is for sale.');
	const rule = validRule(input, pack);
	const values = { ...ruleFields(rule), updatedBy: userId, updatedAt: sql`now()` };
	return db.orm.transaction(async (tx) => {
		// Locked as a check locks it: the cause below is read against the balance a check would see next.
		const [before] = await tx.select().from(topupRules).where(eq(topupRules.accountId, accountId)).for('update');
		const starts = rule.enabled && (!before?.enabled || before.belowTokens !== rule.belowTokens);
		const now = starts ? await availableNow(tx, accountId) : null;
		const crossingCause = now ? (now.unlimited || now.available >= rule.belowTokens ? 'drop' : 'set') : (before?.crossingCause ?? 'drop');
		const [row] = await tx
			.insert(topupRules)
			.values({ accountId, ...values, crossingCause })
			.onConflictDoUpdate({
				target: topupRules.accountId,
				// Turned on again: the old off-reason goes; a crossing already served stays served (armed is left as it is).
				set: { ...values, crossingCause, offReason: rule.enabled ? null : sql`${topupRules.offReason}` }
			})
			.returning();
		return row!;
	});
}

/** When this calendar month began in the site's time zone (a timestamptz): the monthly caps count from it. */
export const monthStart = sql`(${siteMonthStart}::timestamp at time zone ${siteTimeZone})`;

/** This calendar month's (site time zone) top-ups of an account that cost money or may: how many, how much (cents of `currency`). */
export interface MonthUse {
	count: number;
	cents: number;
	/** When the last top-up or notice was made (cooldown), or null. */
	lastAt: Date | null;
}

/** `MonthUse` of one account, money counted in `currency` only (the rule's package's). */
export async function monthUse(exec: Executor, accountId: string, currency: string): Promise<MonthUse> {
	const [row] = await queryRows<{ count: number; cents: number; last_at: string | null }>(exec, sql`
		with month as (select ${monthStart} as start)
		select count(*) filter (where t.status in ('claimed', 'charging', 'charged'))::int4 as count,
		       coalesce(sum(t.amount_cents) filter (where t.status in ('claimed', 'charging', 'charged') and t.currency = ${currency}), 0)::int8 as cents,
		       (select max(created_at) from topups where account_id = ${accountId}::uuid) as last_at
		  from month left join topups t on t.account_id = ${accountId}::uuid and t.created_at >= month.start`);
	return { count: Number(row?.count ?? 0), cents: Number(row?.cents ?? 0), lastAt: row?.last_at ? new Date(row.last_at) : null };
}

/**
 * Why a rule would not top up now even below its trigger, or null: the monthly count or money cap
 * (`priceCents` more would pass it) or the cooldown since the last top-up (until `until`).
 */
export function holdBack(rule: Pick<TopupRule, 'maxPerMonth' | 'maxCentsPerMonth' | 'cooldownSeconds'>, use: MonthUse, priceCents: number, now = new Date()):
	| { reason: 'count_cap' | 'money_cap' }
	| { reason: 'cooldown'; until: Date }
	| null {
	if (rule.maxPerMonth !== null && use.count >= rule.maxPerMonth) return { reason: 'count_cap' };
	if (rule.maxCentsPerMonth !== null && use.cents + priceCents > rule.maxCentsPerMonth) return { reason: 'money_cap' };
	const until = use.lastAt ? new Date(use.lastAt.getTime() + rule.cooldownSeconds * 1000) : null;
	if (until && until > now) return { reason: 'cooldown', until };
	return null;
}
