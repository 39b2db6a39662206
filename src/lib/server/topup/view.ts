import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { queryRows } from '../db/client';
import { allocationsRead, allowancesRead, availableOf } from '../ledger';
import { readOne, together } from '../db/reads';
import { listProducts, paymentProvider } from '../store';
import { chargeableSubscription } from '../store/charges';
import { forTopup, holdBack, maxMoneyMinor, monthStart, monthUse, ruleAccounts, ruleFields, rulesOf, TOPUP_LIMITS, type TopupRuleInput } from './rules';

/** A package a top-up can buy, as the form lists it: one unit's tokens and price (cents of `currency`). */
export interface TopupPackage {
	id: string;
	name: string;
	tokens: number;
	priceCents: number;
	currency: string;
	/** The most a rule buying it may spend a month, in minor units of `currency` (maxMoneyMinor: about a million dollars' worth). */
	maxMoneyMinor: number;
}

/** One top-up of this month, newest first; `orderStatus` is the charge's order (completed once the webhook granted the tokens). */
export interface TopupRecord {
	id: string;
	createdAt: string;
	status: 'claimed' | 'charging' | 'charged' | 'notice' | 'declined' | 'failed';
	productName: string;
	tokens: number;
	amountCents: number;
	currency: string;
	orderStatus: string | null;
	/** When it was bought from its notice (the checkout's order completed), or null. */
	boughtAt: string | null;
}

/** An account's auto top-up as Settings and the dashboard show it. Tokens, minor units of the rule's package's currency, seconds. */
export interface AccountTopup {
	accountId: string;
	kind: 'user' | 'team';
	/** 'Personal' or the team's name. */
	name: string;
	/**
	 * The rule; `currency` is its package's, even one no longer for sale: its money limit and this
	 * month's spend are counted in it.
	 */
	rule: (TopupRuleInput & { offReason: string | null; currency: string }) | null;
	/** Tokens available now (lots and allowances; see Balances.available). */
	available: number;
	/**
	 * Where the rule stands: `off`; `armed` (the next fall below the trigger tops up); `served` (this
	 * crossing was acted on: the next top-up comes after available is back at or above the trigger
	 * and falls again); `held` (below the trigger, held back by a cap or the cooldown, see `heldBack`).
	 */
	state: 'off' | 'armed' | 'served' | 'held';
	heldBack: { reason: 'count_cap' | 'money_cap' | 'cooldown'; until: string | null } | null;
	/** A subscription is there to charge off-session; without one, a crossing sends a one-tap notice instead. */
	chargeable: boolean;
	month: { count: number; cents: number; topups: TopupRecord[] };
}

export interface TopupView {
	/** Whether a payment provider is live (without one nothing can be bought). */
	payments: boolean;
	packages: TopupPackage[];
	limits: typeof TOPUP_LIMITS;
	accounts: AccountTopup[];
}

const tokensOf = (grants: { tokens: number }[]) => grants.reduce((s, g) => s + g.tokens, 0);

/** The auto top-up of each account the user sets it for (own tokens; team pools they own), with this month's top-ups. */
export async function topupView(db: Db, userId: string): Promise<TopupView> {
	const accounts = await ruleAccounts(db, userId);
	const ids = accounts.map((a) => a.accountId);
	const [rules, products, provider, { allocations, allowances }] = await Promise.all([
		rulesOf(db.orm, ids),
		listProducts(db.orm, { activeOnly: false }),
		paymentProvider(),
		readOne(db.orm, together({ allocations: allocationsRead(ids), allowances: allowancesRead(ids) }))
	]);
	const packages = products.filter(forTopup).map((p) => ({ id: p.id, name: p.name, tokens: tokensOf(p.grants), priceCents: p.priceCents, currency: p.currency, maxMoneyMinor: maxMoneyMinor(p.currency) }));
	const out: AccountTopup[] = [];
	for (const a of accounts) {
		const rule = rules.get(a.accountId) ?? null;
		// The rule's package, for sale or not (a rule keeps its package: topup_rules.product_id references it).
		const product = rule ? products.find((p) => p.id === rule.productId) : undefined;
		const currency = product?.currency ?? 'USD';
		const [use, records, subscription] = await Promise.all([monthUse(db.orm, a.accountId, currency), monthTopups(db, a.accountId), chargeableSubscription(db.orm, a.accountId)]);
		const available = availableOf(allocations.get(a.accountId) ?? [], allowances.get(a.accountId) ?? []);
		const held = rule ? holdBack(rule, use, product?.priceCents ?? 0) : null;
		const below = rule !== null && available < rule.belowTokens;
		out.push({
			accountId: a.accountId,
			kind: a.kind,
			name: a.name,
			rule: rule && { ...ruleFields(rule), offReason: rule.offReason, currency },
			available,
			state: !rule?.enabled ? 'off' : !rule.armed && below ? 'served' : below && held ? 'held' : 'armed',
			heldBack: held && { reason: held.reason, until: 'until' in held ? held.until.toISOString() : null },
			chargeable: subscription !== null,
			month: { count: use.count, cents: use.cents, topups: records }
		});
	}
	return { payments: provider !== null, packages, limits: TOPUP_LIMITS, accounts: out };
}

/** This calendar month's top-ups of an account (site time zone), newest first, each as it offered the package when claimed; one its order bought, as that order sold it. */
async function monthTopups(db: Db, accountId: string): Promise<TopupRecord[]> {
	const rows = await queryRows<{
		id: string; created_at: string; status: TopupRecord['status']; product_name: string; grants: { tokens: number }[];
		amount_cents: number; currency: string; order_status: string | null; bought_at: string | null;
	}>(db.orm, sql`
		select t.id, t.created_at, t.status, coalesce(o.product_name, t.product_name) as product_name, coalesce(o.contents, t.contents) as grants, t.amount_cents::int8 as amount_cents, t.currency, o.status as order_status,
		       case when t.status = 'charged' and o.charged_subscription_id is null and o.status = 'completed' then o.completed_at end as bought_at
		  from topups t left join orders o on o.id = t.order_id
		 where t.account_id = ${accountId}::uuid
		   and t.created_at >= ${monthStart}
		 order by t.created_at desc limit 50`);
	return rows.map((r) => ({
		id: r.id,
		createdAt: new Date(r.created_at).toISOString(),
		status: r.status,
		productName: r.product_name,
		tokens: tokensOf(r.grants),
		amountCents: Number(r.amount_cents),
		currency: r.currency,
		orderStatus: r.order_status,
		boughtAt: r.bought_at ? new Date(r.bought_at).toISOString() : null
	}));
}
