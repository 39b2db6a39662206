import type { PaddleEnvironment, Product } from './catalog';
import { priceIdOf } from './catalog';

/** A catalog item as the store shows it: what you get, what it costs, and how it compares. */
export interface Offer {
	id: string;
	kind: Product['kind'];
	name: string;
	description: string;
	grants: { model: string | null; modelName: string | null; tokens: number }[];
	/** Tokens per unit bought (per period for subscriptions). */
	tokens: number;
	priceCents: number;
	currency: string;
	billingInterval: 'month' | 'year' | null;
	maxQuantity: number;
	/** Price of 1,000 tokens, in hundredths of a cent (keeps precision for cheap packs). */
	per1kCentiCents: number;
	/** Saving against buying the same tokens as single packs, in percent (bundles and subscriptions). */
	savingsPercent: number | null;
	/** Null when this item has no Paddle price in the active environment: shown, not sold. */
	paddlePriceId: string | null;
}

const tokensOf = (p: Product) => p.grants.reduce((sum, g) => sum + g.tokens, 0);
const perTokenCents = (p: Product) => p.priceCents / tokensOf(p);

/**
 * The cheapest per-token price of single packs, per model (and `general` for packs without a model):
 * the yardstick for what a bundle saves.
 */
function referenceRates(catalog: Product[]): Map<string, number> {
	const rates = new Map<string, number>();
	for (const p of catalog) {
		if (p.kind !== 'pack' && p.kind !== 'model_pack') continue;
		for (const g of p.grants) {
			const key = g.model ?? 'general';
			const rate = perTokenCents(p);
			if (!rates.has(key) || rate < rates.get(key)!) rates.set(key, rate);
		}
	}
	return rates;
}

export function toOffers(catalog: Product[], env: PaddleEnvironment, modelNames: Map<string, string>): Offer[] {
	const rates = referenceRates(catalog);
	return catalog.map((p) => {
		const tokens = tokensOf(p);
		let savingsPercent: number | null = null;
		if (p.kind === 'bundle' || p.kind === 'subscription') {
			const parts = p.grants.map((g) => rates.get(g.model ?? 'general') ?? rates.get('general'));
			if (parts.every((r) => r !== undefined)) {
				const separately = p.grants.reduce((sum, g, i) => sum + g.tokens * parts[i]!, 0);
				const saved = Math.floor((1 - p.priceCents / separately) * 100);
				savingsPercent = saved > 0 ? saved : null;
			}
		}
		return {
			id: p.id,
			kind: p.kind,
			name: p.name,
			description: p.description,
			grants: p.grants.map((g) => ({ model: g.model, modelName: g.model ? (modelNames.get(g.model) ?? g.model) : null, tokens: g.tokens })),
			tokens,
			priceCents: p.priceCents,
			currency: p.currency,
			billingInterval: p.billingInterval,
			maxQuantity: p.maxQuantity,
			per1kCentiCents: Math.round((p.priceCents * 100 * 1000) / tokens),
			savingsPercent,
			paddlePriceId: priceIdOf(p, env)
		};
	});
}
