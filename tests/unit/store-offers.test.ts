import { describe, expect, it } from 'vitest';
import { savingsChangedBy, toOffers } from '../../src/lib/server/store/offer';
import { productInput } from '../../src/lib/server/store/catalog';
import { unlimitedWords } from '../../src/lib/client/offers';
import { demoCatalog } from '../../src/lib/server/store/demo-catalog';
import type { Product } from '../../src/lib/server/store/catalog';

const catalog: Product[] = demoCatalog.map((p) => ({ ...productInput.parse(p), paddlePriceProduction: null, createdAt: new Date(0) }) as Product);
const names = new Map([['gpt-5-nano', 'GPT-5 Nano'], ['text-embedding-3-small', 'Text Embedding 3 Small'], ['claude-sonnet-4-5', 'Claude Sonnet 4.5']]);

describe('what the store shows for each package', () => {
	const offers = new Map(toOffers(catalog, 'sandbox', names).map((o) => [o.id, o]));

	it('prices 1,000 tokens of each pack', () => {
		expect(offers.get('tokens-5k')).toMatchObject({ tokens: 5_000, per1kCentiCents: 10_000, savingsPercent: null });
		expect(offers.get('embedding-25k')!.per1kCentiCents).toBe(1_600);
	});

	it('a bundle saves against buying its models as single packs', () => {
		// Separately: 50k nano $20 + 25k embedding $4 + 10k Sonnet $15 = $39; the bundle is $32.
		expect(offers.get('starter-bundle')).toMatchObject({ tokens: 85_000, savingsPercent: 17 });
		expect(offers.get('starter-bundle')!.grants.map((g) => g.modelName)).toEqual(['GPT-5 Nano', 'Text Embedding 3 Small', 'Claude Sonnet 4.5']);
	});

	it('a plan saves against the general token pack; a production price id is absent in sandbox', () => {
		expect(offers.get('monthly-20k')).toMatchObject({ savingsPercent: 25, billingInterval: 'month', paddlePriceId: 'pri_quota_demo_monthly_20k' });
		expect(toOffers(catalog, 'production', names).every((o) => o.paddlePriceId === null)).toBe(true);
	});
});

describe('what a bundle saves', () => {
	const product = (p: Partial<Product> & Pick<Product, 'id' | 'kind' | 'grants' | 'priceCents'>) =>
		({ ...productInput.parse({ name: p.id, ...p }), paddlePriceProduction: null, createdAt: new Date(0) }) as Product;

	it('is exact, rounded down once: $0.80 against $1.00 of single packs saves 20%, not 19%', () => {
		expect(Math.floor((1 - 80 / 100) * 100)).toBe(19); // the floating-point figure this replaces
		const offers = toOffers(
			[
				product({ id: 'single-100', kind: 'pack', grants: [{ model: null, tokens: 100 }], priceCents: 100 }),
				product({ id: 'bundle-100', kind: 'bundle', grants: [{ model: null, tokens: 100 }], priceCents: 80 }),
				product({ id: 'plan-300', kind: 'subscription', billingInterval: 'month', grants: [{ model: null, tokens: 300 }], priceCents: 299 })
			],
			'sandbox',
			new Map()
		);
		expect(offers.map((o) => [o.id, o.savingsPercent])).toEqual([['single-100', null], ['bundle-100', 20], ['plan-300', null]]);
	});
});

describe('what a bundle saves, by currency', () => {
	const product = (p: Partial<Product> & Pick<Product, 'id' | 'kind' | 'grants' | 'priceCents'>) =>
		({ ...productInput.parse({ name: p.id, ...p }), paddlePriceProduction: null, createdAt: new Date(0) }) as Product;

	it('compares a bundle only with single packs in its own currency: a ¥ pack is no yardstick for a $ plan', () => {
		const offers = toOffers(
			[
				product({ id: 'usd-pack', kind: 'pack', grants: [{ model: null, tokens: 100 }], priceCents: 100 }),
				// ¥50 for 1,000 tokens: in cents it would look 20× cheaper than the $ pack and sink the $ plan's saving.
				product({ id: 'jpy-pack', kind: 'pack', currency: 'JPY', grants: [{ model: null, tokens: 1_000 }], priceCents: 50 }),
				product({ id: 'usd-plan', kind: 'subscription', billingInterval: 'month', grants: [{ model: null, tokens: 300 }], priceCents: 270 }),
				product({ id: 'jpy-plan', kind: 'subscription', currency: 'JPY', billingInterval: 'month', grants: [{ model: null, tokens: 2_000 }], priceCents: 80 }),
				product({ id: 'eur-plan', kind: 'subscription', currency: 'EUR', billingInterval: 'month', grants: [{ model: null, tokens: 300 }], priceCents: 200 })
			],
			'sandbox',
			new Map()
		);
		// $2.70 against $3.00 saves 10%; ¥80 against ¥100 saves 20%; no € pack: no label.
		expect(offers.map((o) => [o.id, o.savingsPercent])).toEqual([['usd-pack', null], ['jpy-pack', null], ['usd-plan', 10], ['jpy-plan', 20], ['eur-plan', null]]);
	});
});

describe('what a save does to the other packages’ savings', () => {
	const product = (p: Partial<Product> & Pick<Product, 'id' | 'kind' | 'grants' | 'priceCents'>) =>
		({ ...productInput.parse({ name: p.id, ...p }), paddlePriceProduction: null, createdAt: new Date(0) }) as Product;
	// $1.00 per 100 tokens as single packs; the bundle is $0.75 (Save 25%), the plan $2.70 for 300 (Save 10%).
	const single = product({ id: 'single', kind: 'pack', grants: [{ model: null, tokens: 100 }], priceCents: 100 });
	const bundle = product({ id: 'bundle', kind: 'bundle', grants: [{ model: null, tokens: 100 }], priceCents: 75 });
	const plan = product({ id: 'plan', kind: 'subscription', billingInterval: 'month', grants: [{ model: null, tokens: 300 }], priceCents: 270 });
	const catalog = [single, bundle, plan];

	it('a cheaper pack lowers every bundle’s and plan’s saving, each with its label before and after, as the store then shows it', () => {
		const cheaper = product({ id: 'big', kind: 'pack', grants: [{ model: null, tokens: 1_000 }], priceCents: 833 });
		const changes = savingsChangedBy(catalog, cheaper);
		expect(changes).toEqual([
			{ id: 'bundle', name: 'bundle', before: 25, after: 9 },
			{ id: 'plan', name: 'plan', before: 10, after: null }
		]);
		const shown = new Map(toOffers([...catalog, cheaper], 'sandbox', new Map()).map((o) => [o.id, o.savingsPercent]));
		expect(changes.map((c) => c.after)).toEqual([shown.get('bundle'), shown.get('plan')]);
	});

	it('so does a pack’s new price or its going off sale; a change that moves no yardstick changes nothing', () => {
		expect(savingsChangedBy(catalog, { ...single, priceCents: 90 })).toEqual([
			{ id: 'bundle', name: 'bundle', before: 25, after: 16 },
			{ id: 'plan', name: 'plan', before: 10, after: null }
		]);
		// Off sale, no pack is left to compare with: no label at all.
		expect(savingsChangedBy(catalog, { ...single, active: false }).map((c) => [c.id, c.after])).toEqual([['bundle', null], ['plan', null]]);
		expect(savingsChangedBy(catalog, { ...single, name: 'Renamed' })).toEqual([]);
		// The package saved is not among the others, whatever its own saving becomes.
		expect(savingsChangedBy(catalog, { ...bundle, priceCents: 50 })).toEqual([]);
	});

	it('leaves out packages off sale: the store shows them no label', () => {
		expect(savingsChangedBy([single, { ...bundle, active: false }, plan], { ...single, priceCents: 90 }).map((c) => c.id)).toEqual(['plan']);
	});
});

describe('catalog rules', () => {
	const base = { id: 'x-pack', kind: 'pack', name: 'X', grants: [{ model: null, tokens: 10 }], priceCents: 100 } as const;
	it.each([
		['a subscription without an interval', { ...base, kind: 'subscription' }],
		['a pack with an interval', { ...base, billingInterval: 'month' }],
		['a model pack without a model', { ...base, kind: 'model_pack' }],
		['a subscription sold by quantity', { ...base, kind: 'subscription', billingInterval: 'month', maxQuantity: 5 }],
		['a price id that is not Paddle’s', { ...base, paddlePriceSandbox: 'price_123' }],
		['the same model twice', { ...base, kind: 'bundle', grants: [{ model: 'a', tokens: 1 }, { model: 'a', tokens: 2 }] }],
		['no tokens', { ...base, grants: [{ model: null, tokens: 0 }] }],
		['a price of nothing (tokens for free at checkout)', { ...base, priceCents: 0 }],
		['a price above 1,000,000.00', { ...base, priceCents: 100_000_001 }]
	])('refuses %s', (_, input) => {
		expect(productInput.safeParse(input).success).toBe(false);
	});
});

describe("a package beside the account's unlimited use", () => {
	const offers = new Map(toOffers(catalog, 'sandbox', names).map((o) => [o.id, o]));
	const grants = (id: string) => offers.get(id)!.grants;
	const claude = { key: 'claude-sonnet-4-5', name: 'Claude Sonnet 4.5' };
	const nano = { key: 'gpt-5-nano', name: 'GPT-5 Nano' };

	it('says which of its tokens wait until the unlimited use ends, and nothing when it covers none', () => {
		expect(unlimitedWords(grants('claude-sonnet-10k'), { every: false, models: [claude] })).toBe('You have unlimited use of Claude Sonnet 4.5 now: these tokens wait until it ends.');
		expect(unlimitedWords(grants('starter-bundle'), { every: false, models: [claude] })).toBe('You have unlimited use of Claude Sonnet 4.5 now: its tokens here wait until it ends.');
		expect(unlimitedWords(grants('starter-bundle'), { every: false, models: [claude, nano] })).toBe('You have unlimited use of Claude Sonnet 4.5 and GPT-5 Nano now: their tokens here wait until it ends.');
		expect(unlimitedWords(grants('tokens-5k'), { every: false, models: [claude] })).toBeNull();
		expect(unlimitedWords(grants('tokens-5k'), { every: true, models: [] })).toBe('You have unlimited use of every model now: these tokens wait until it ends.');
		expect(unlimitedWords(grants('tokens-5k'), { every: false, models: [] })).toBeNull();
		expect(unlimitedWords(grants('tokens-5k'), undefined)).toBeNull();
	});
});
