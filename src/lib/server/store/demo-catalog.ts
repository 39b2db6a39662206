import type { SetupActor } from '../accounts/audit';
import type { Database } from '../db';
import { saveProduct, type ProductInput } from './catalog';

/**
 * The demo's packages (the seeds' shapes: 5,000-token packs sold by quantity, single-model packs,
 * a three-model bundle, monthly and annual plans). Sandbox price ids are the simulator's; with a
 * real Paddle sandbox, an admin replaces them with the ids of the prices created there.
 * Needs the models gpt-5-nano, text-embedding-3-small and claude-sonnet-4-5. A description adds to
 * the store card, which already says the tokens, the price and whether they expire or renew.
 */
export const demoCatalog: ProductInput[] = [
	{ id: 'tokens-5k', kind: 'pack', name: 'Token pack', description: 'For any feature and model.', grants: [{ model: null, tokens: 5_000 }], priceCents: 500, maxQuantity: 100, paddlePriceSandbox: 'pri_quota_demo_tokens_5k', sort: 10 },
	{ id: 'gpt-5-nano-50k', kind: 'model_pack', name: 'GPT-5 Nano 50k', description: 'Tokens for GPT-5 Nano only.', grants: [{ model: 'gpt-5-nano', tokens: 50_000 }], priceCents: 2_000, maxQuantity: 20, paddlePriceSandbox: 'pri_quota_demo_gpt5nano_50k', sort: 20 },
	{ id: 'embedding-25k', kind: 'model_pack', name: 'Text Embedding 25k', description: 'Tokens for training and embeddings.', grants: [{ model: 'text-embedding-3-small', tokens: 25_000 }], priceCents: 400, maxQuantity: 20, paddlePriceSandbox: 'pri_quota_demo_embedding_25k', sort: 30 },
	{ id: 'claude-sonnet-10k', kind: 'model_pack', name: 'Claude Sonnet 4.5 10k', description: 'Tokens for Claude Sonnet 4.5 only.', grants: [{ model: 'claude-sonnet-4-5', tokens: 10_000 }], priceCents: 1_500, maxQuantity: 20, paddlePriceSandbox: 'pri_quota_demo_sonnet_10k', sort: 40 },
	{ id: 'starter-bundle', kind: 'bundle', name: 'Starter bundle', description: 'Three models at once, for a chatbot trained on your documents.', grants: [{ model: 'gpt-5-nano', tokens: 50_000 }, { model: 'text-embedding-3-small', tokens: 25_000 }, { model: 'claude-sonnet-4-5', tokens: 10_000 }], priceCents: 3_200, maxQuantity: 5, paddlePriceSandbox: 'pri_quota_demo_starter_bundle', sort: 50 },
	{ id: 'monthly-20k', kind: 'subscription', name: 'Monthly plan', description: 'For steady use, billed monthly.', grants: [{ model: null, tokens: 20_000 }], priceCents: 1_500, billingInterval: 'month', paddlePriceSandbox: 'pri_quota_demo_monthly_20k', sort: 60 },
	{ id: 'annual-300k', kind: 'subscription', name: 'Annual plan', description: 'For steady use, billed once a year.', grants: [{ model: null, tokens: 300_000 }], priceCents: 18_000, billingInterval: 'year', paddlePriceSandbox: 'pri_quota_demo_annual_300k', sort: 70 }
];

/** Adds the demo's packages as a site admin adds a package (each audited, credited to `by`), into an empty catalog. */
export async function seedDemoCatalog(db: Database, by: SetupActor) {
	for (const p of demoCatalog) await saveProduct(db, by, p, 'create');
}
