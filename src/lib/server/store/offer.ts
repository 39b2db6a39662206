import type { PaddleEnvironment, Product } from './catalog';
import { priceIdOf } from './catalog';
import { GENERAL_BALANCE } from '../../model-words';

/** A catalog item as the store shows it: what you get, what it costs, and how it compares. */
export interface Offer {
	id: string;
	kind: Product['kind'];
	name: string;
	description: string;
	/** `modelName`: the model's name, or "General balance" for tokens any model may spend. */
	grants: { model: string | null; modelName: string; tokens: number }[];
	/** Tokens per unit bought (per period for subscriptions). */
	tokens: number;
	priceCents: number;
	currency: string;
	billingInterval: 'month' | 'year' | null;
	maxQuantity: number;
	/** Price of 1,000 tokens, in hundredths of the currency's minor unit (a cent, a yen: keeps precision for cheap packs). */
	per1kCentiCents: number;
	/** Saving against buying the same tokens as single packs, in percent (bundles and subscriptions). */
	savingsPercent: number | null;
	/** Null when this item has no Paddle price in the active environment: shown, not sold. */
	paddlePriceId: string | null;
}

const tokensOf = (p: Product) => p.grants.reduce((sum, g) => sum + g.tokens, 0);

/** A price per token as an exact fraction, cents / tokens: in floating point a 20% saving shows as 19%. */
interface PerToken {
	cents: bigint;
	tokens: bigint;
}
const perToken = (p: Product): PerToken => ({ cents: BigInt(p.priceCents), tokens: BigInt(tokensOf(p)) });
const cheaper = (a: PerToken, b: PerToken) => a.cents * b.tokens < b.cents * a.tokens;

/** A yardstick's key: prices compare only within a currency (500 yen is not 500 cents). */
const rateKey = (currency: string, model: string | null) => `${currency} ${model ?? 'general'}`;

/**
 * The cheapest per-token price of single packs, per currency and model (`general` for packs without a
 * model): the yardstick for what a bundle in that currency saves.
 */
function referenceRates(catalog: Product[]): Map<string, PerToken> {
	const rates = new Map<string, PerToken>();
	for (const p of catalog) {
		if (p.kind !== 'pack' && p.kind !== 'model_pack') continue;
		for (const g of p.grants) {
			const key = rateKey(p.currency, g.model);
			const rate = perToken(p);
			const best = rates.get(key);
			if (!best || cheaper(rate, best)) rates.set(key, rate);
		}
	}
	return rates;
}

/** Whole percent (rounded down, exact) that `priceCents` saves against buying `grants` at `rates`; null for no saving. */
function savingOf(priceCents: number, grants: Product['grants'], rates: PerToken[]): number | null {
	// What buying separately costs, as the fraction cents / per: Σ tokens × cents_i / tokens_i.
	let cents = 0n;
	let per = 1n;
	grants.forEach((g, i) => {
		const r = rates[i]!;
		cents = cents * r.tokens + BigInt(g.tokens) * r.cents * per;
		per *= r.tokens;
	});
	if (cents <= 0n) return null;
	const saved = Number((100n * (cents - BigInt(priceCents) * per)) / cents);
	return saved > 0 ? saved : null;
}

/**
 * What each package saves, by id: whole percent against buying the same tokens as the cheapest single
 * packs of `catalog` in its currency (bundles and subscriptions), null for no saving (packs, or no pack
 * in that currency to compare with).
 * `catalog`: the packages on sale, since only they set the yardstick.
 */
export function savingsOf(catalog: Product[]): Map<string, number | null> {
	const rates = referenceRates(catalog);
	return new Map(
		catalog.map((p) => {
			if (p.kind !== 'bundle' && p.kind !== 'subscription') return [p.id, null];
			const parts = p.grants.map((g) => rates.get(rateKey(p.currency, g.model)) ?? rates.get(rateKey(p.currency, null)));
			return [p.id, parts.every((r): r is PerToken => r !== undefined) ? savingOf(p.priceCents, p.grants, parts) : null];
		})
	);
}

/** Another package whose "Save N%" a save would change: `before` and `after` in whole percent, null for no label. */
export interface SavingChange {
	id: string;
	name: string;
	before: number | null;
	after: number | null;
}

/**
 * The other packages on sale whose saving changes when `saved` is stored over `catalog` (every package,
 * on sale or not; `saved` replaces the one with its id, or is added): a new cheapest pack, a pack's new
 * price or one taken off sale moves the yardstick of every bundle and subscription. In `catalog`'s order.
 */
export function savingsChangedBy(catalog: Product[], saved: Product): SavingChange[] {
	const onSale = (list: Product[]) => list.filter((p) => p.active);
	const before = savingsOf(onSale(catalog));
	const after = savingsOf(onSale([...catalog.filter((p) => p.id !== saved.id), saved]));
	return catalog
		.filter((p) => p.id !== saved.id && p.active && before.get(p.id) !== after.get(p.id))
		.map((p) => ({ id: p.id, name: p.name, before: before.get(p.id)!, after: after.get(p.id)! }));
}

export function toOffers(catalog: Product[], env: PaddleEnvironment, modelNames: Map<string, string>): Offer[] {
	const savings = savingsOf(catalog);
	return catalog.map((p) => {
		const tokens = tokensOf(p);
		return {
			id: p.id,
			kind: p.kind,
			name: p.name,
			description: p.description,
			grants: p.grants.map((g) => ({ model: g.model, modelName: g.model ? (modelNames.get(g.model) ?? g.model) : GENERAL_BALANCE, tokens: g.tokens })),
			tokens,
			priceCents: p.priceCents,
			currency: p.currency,
			billingInterval: p.billingInterval,
			maxQuantity: p.maxQuantity,
			per1kCentiCents: Math.round((p.priceCents * 100 * 1000) / tokens),
			savingsPercent: savings.get(p.id)!,
			paddlePriceId: priceIdOf(p, env)
		};
	});
}
