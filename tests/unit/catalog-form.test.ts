import { describe, expect, it } from 'vitest';
import { draftOf, emptyDraft, idTaken, madePriceHint, parsePrice, priceClash, priceText, repriceNote, onSaleWords, sameAsSaved, savedWords, toInput, type Product } from '../../src/lib/client/admin/catalog-form';
import { PACKAGE_ID_RULE, PACKAGE_NAME_RULE, PADDLE_CURRENCIES, PADDLE_PRICE_ID_RULE, priceRule } from '../../src/lib/price-range';
import { minorDigits } from '../../src/lib/money';

const PRICE_RULE = priceRule('USD');

describe('the catalog form', () => {
	it('reads prices exactly, in cents, and writes them back', () => {
		for (const usd of ['USD', 'EUR']) {
			expect(parsePrice('12', usd)).toBe(1200);
			expect(parsePrice('12.5', usd)).toBe(1250);
			expect(parsePrice('0,99', usd)).toBe(99);
			expect(parsePrice('19.99', usd)).toBe(1999); // 19.99 * 100 is 1998.9999… in floating point
			expect(parsePrice('1.999', usd)).toBeNull();
			// Thousands as the form's notes write them ("$1,250.00"): never a decimal comma before three digits.
			expect(parsePrice('1,250', usd)).toBe(125_000);
			expect(parsePrice('1,250.50', usd)).toBe(125_050);
			expect(parsePrice('1,000,000', usd)).toBe(100_000_000);
			expect(parsePrice('1,250,50', usd)).toBeNull();
			expect(parsePrice('1,25.00', usd)).toBeNull();
			expect(parsePrice('12,5000', usd)).toBeNull();
			expect(parsePrice('-1', usd)).toBeNull();
			expect(parsePrice('', usd)).toBeNull();
			expect(priceText(1999, usd)).toBe('19.99');
			expect(priceText(5, usd)).toBe('0.05');
		}
	});

	it('reads yen and won as whole amounts (their minor unit is the unit), and writes them back', () => {
		for (const whole of ['JPY', 'KRW']) {
			expect(parsePrice('550', whole)).toBe(550);
			expect(parsePrice('5.50', whole)).toBeNull();
			expect(parsePrice('1,250', whole)).toBe(1_250);
			expect(parsePrice('5,5', whole)).toBeNull();
			expect(priceText(550, whole)).toBe('550');
		}
		const d = { ...emptyDraft(), id: 'yen-pack', name: 'Yen pack', currency: 'JPY', grants: [{ model: '', tokens: '100' }] };
		expect(toInput({ ...d, price: '5.50' }, 0)).toEqual({ problems: { 'pkg-price': 'Yen has no smaller unit: type a whole number of yen.' } });
		expect(toInput({ ...d, price: '550', currency: 'KRW' }, 0)).toMatchObject({ input: { priceCents: 550, currency: 'KRW' } });
		expect(toInput({ ...d, price: '5.50', currency: 'KRW' }, 0)).toEqual({ problems: { 'pkg-price': 'The won has no smaller unit: type a whole number of won.' } });
		expect(toInput({ ...d, price: 'abc' }, 0)).toEqual({ problems: { 'pkg-price': priceRule('JPY') } });
		// Every Paddle currency without a smaller unit says so in its own words, not the generic rule.
		for (const currency of PADDLE_CURRENCIES.filter((c) => minorDigits(c) === 0)) {
			expect(toInput({ ...d, currency, price: '5.50' }, 0), currency).toEqual({ problems: { 'pkg-price': expect.stringMatching(/^.+ has no smaller unit: type a whole number of .+\.$/) } });
		}
		expect(priceRule('JPY')).toContain('a whole amount from 1 to 1,000,000, like 550');
		// A third decimal is said plainly, not as an amount out of range.
		expect(toInput({ ...d, currency: 'USD', price: '9.999' }, 0)).toEqual({ problems: { 'pkg-price': expect.stringContaining('with at most two decimals') } });
		// The highest price is 1,000,000 of the currency's unit: a million yen, not a hundred million.
		expect(toInput({ ...d, price: '1000000' }, 0)).toMatchObject({ input: { priceCents: 1_000_000 } });
		expect(toInput({ ...d, price: '1000001' }, 0)).toEqual({ problems: { 'pkg-price': priceRule('JPY') } });
		const back = draftOf({ id: 'yen-pack', kind: 'pack', name: 'Yen pack', description: '', grants: [{ model: null, tokens: 100 }], priceCents: 550, currency: 'JPY', billingInterval: null, maxQuantity: 1, active: true } as never);
		expect(back.price).toBe('550');
	});

	it("says where the decimals go for an amount with thousands grouped and a decimal comma ('1,250,50', '1.250,50')", () => {
		const d = { ...emptyDraft(), id: 'token-pack', name: 'Token pack', currency: 'USD', grants: [{ model: '', tokens: '5000' }] };
		for (const price of ['1,250,50', '1.250,50', '1.250,5'])
			expect(toInput({ ...d, price }, 0), price).toEqual({ problems: { 'pkg-price': `${price} cannot be read: with thousands grouped by commas, the decimals follow a point, like 1,250.50.` } });
		expect(toInput({ ...d, price: '1.000.000,00' }, 0)).toEqual({ problems: { 'pkg-price': '1.000.000,00 cannot be read: with thousands grouped by commas, the decimals follow a point, like 1,000,000.00.' } });
		// Over the highest price, or a third decimal: the rule, as before.
		expect(toInput({ ...d, price: '2.000.000,00' }, 0)).toEqual({ problems: { 'pkg-price': PRICE_RULE } });
		// Past what the form reads at all (a billion): the rule, not a suggestion it would refuse too.
		expect(toInput({ ...d, price: '1,000,000,000,50' }, 0)).toEqual({ problems: { 'pkg-price': PRICE_RULE } });
		expect(toInput({ ...d, price: '1,250,500' }, 0)).toEqual({ problems: { 'pkg-price': PRICE_RULE } });
	});

	it('says a name or id the server would refuse beside its field', () => {
		const d = { ...emptyDraft(), id: 'token-pack', name: 'Token pack', price: '5', grants: [{ model: '', tokens: '5000' }] };
		expect(toInput({ ...d, name: ' x ' }, 0)).toEqual({ problems: { 'pkg-name': PACKAGE_NAME_RULE } });
		expect(toInput({ ...d, name: 'n'.repeat(81) }, 0)).toEqual({ problems: { 'pkg-name': PACKAGE_NAME_RULE } });
		for (const id of ['', 'x', 'Token-Pack', '-pack', 'token pack', 'p'.repeat(64)]) expect(toInput({ ...d, id }, 0), id).toEqual({ problems: { 'pkg-id': PACKAGE_ID_RULE } });
		expect(toInput({ ...d, id: 'p'.repeat(63) }, 0)).toMatchObject({ input: { id: 'p'.repeat(63), name: 'Token pack' } });
	});

	it('says every slip of an empty form at once, in the form’s order (where Save puts the focus)', () => {
		const r = toInput({ ...emptyDraft(), id: 'Token Pack', price: 'abc', maxQuantity: '0', grants: [{ model: '', tokens: '0' }] }, 0);
		expect(r).toEqual({
			problems: {
				'pkg-name': PACKAGE_NAME_RULE,
				'pkg-id': PACKAGE_ID_RULE,
				'pkg-max': 'A buyer may take 1 to 1,000 at once.',
				'pkg-price': PRICE_RULE,
				'grant-tokens-0': 'The amount is a whole number of tokens from 1 to 1,000,000,000,000.'
			}
		});
		if (!('problems' in r)) throw new Error('no problems');
		expect(Object.keys(r.problems)).toEqual(['pkg-name', 'pkg-id', 'pkg-max', 'pkg-price', 'grant-tokens-0']);
	});

	it('turns a draft into the save input and back, subscriptions one at a time', () => {
		const d = { ...emptyDraft(), id: 'plan', kind: 'subscription' as const, name: 'Plan', price: '9.90', grants: [{ model: '', tokens: '10,000' }], billingInterval: 'year' as const, maxQuantity: '5' };
		const r = toInput(d, 30);
		expect(r).toEqual({ input: expect.objectContaining({ id: 'plan', priceCents: 990, grants: [{ model: null, tokens: 10000 }], billingInterval: 'year', maxQuantity: 1, sort: 30 }) });
		if (!('input' in r)) throw new Error('no input');
		const back = draftOf({ ...r.input, description: '', currency: 'USD', active: true, paddlePriceSandbox: null, paddlePriceProduction: null, createdAt: '' } as never);
		expect(back).toMatchObject({ price: '9.90', grants: [{ model: '', tokens: '10000' }], billingInterval: 'year' });
		expect(toInput({ ...d, price: 'free' }, 0)).toEqual({ problems: { 'pkg-price': PRICE_RULE } });
		// Nothing is sold for nothing (a free pack would hand out tokens at checkout), nor above the catalog's highest price.
		for (const price of ['0', '0.00', '1000000.01', '9999999']) expect(toInput({ ...d, price }, 0), price).toEqual({ problems: { 'pkg-price': PRICE_RULE } });
		expect(toInput({ ...d, price: '0.01' }, 0)).toMatchObject({ input: { priceCents: 1 } });
		expect(toInput({ ...d, price: '1000000' }, 0)).toMatchObject({ input: { priceCents: 100_000_000 } });
		expect(toInput({ ...d, grants: [{ model: '', tokens: '0' }] }, 0)).toHaveProperty('problems.grant-tokens-0');
	});

	it('says each slip beside its field: too many tokens is the maximum, a price id is its form in words', () => {
		const d = { ...emptyDraft(), id: 'pack', name: 'Pack', price: '5', grants: [{ model: '', tokens: '1,000' }] };
		expect(toInput({ ...d, grants: [{ model: '', tokens: '99999999999999999999' }] }, 0)).toEqual({ problems: { 'grant-tokens-0': 'The amount is at most 1,000,000,000,000 tokens.' } });
		expect(toInput({ ...d, grants: [{ model: '', tokens: '1000' }, { model: 'x', tokens: 'many' }] }, 0)).toEqual({
			problems: { 'grant-tokens-1': 'The amount is a whole number of tokens from 1 to 1,000,000,000,000.' }
		});
		expect(toInput({ ...d, maxQuantity: '0' }, 0)).toEqual({ problems: { 'pkg-max': 'A buyer may take 1 to 1,000 at once.' } });
		expect(toInput({ ...d, paddlePriceSandbox: 'pri_x' }, 0)).toEqual({ problems: { 'pkg-sandbox': PADDLE_PRICE_ID_RULE } });
		expect(toInput({ ...d, paddlePriceProduction: 'PRI_ABCD' }, 0)).toEqual({ problems: { 'pkg-production': PADDLE_PRICE_ID_RULE } });
		expect(toInput({ ...d, paddlePriceSandbox: ' pri_01h8_x ', paddlePriceProduction: '' }, 0)).toMatchObject({ input: { paddlePriceSandbox: 'pri_01h8_x', paddlePriceProduction: null } });
		expect(PRICE_RULE).toContain('(Bonuses)');
	});

	it('says a model a bundle names twice beside the line that repeats it, before the server refuses it under the form as "Grants: …"', () => {
		const d = { ...emptyDraft(), id: 'duo', name: 'Duo', kind: 'bundle' as const, price: '10' };
		const twice = (a: string, b: string) => toInput({ ...d, grants: [{ model: a, tokens: '1000' }, { model: 'gpt-5-nano', tokens: '500' }, { model: b, tokens: '500' }] }, 0);
		const said = 'Line 1 has this model already: a bundle names each model once, so add these tokens to that line.';
		expect(twice('claude-sonnet-4-5', 'claude-sonnet-4-5')).toEqual({ problems: { 'grant-model-2': said } });
		// The general balance ("Any model") is one line too.
		expect(twice('', '')).toEqual({ problems: { 'grant-model-2': said } });
		expect(twice('claude-sonnet-4-5', '')).toMatchObject({ input: { grants: [{ model: 'claude-sonnet-4-5' }, { model: 'gpt-5-nano' }, { model: null }] } });
	});

	it('says a bundle of one line beside it, before the server refuses it: one model is a model pack', () => {
		const d = { ...emptyDraft(), id: 'solo', name: 'Solo', kind: 'bundle' as const, price: '10' };
		const said = 'A bundle grants two models or more: add a model, or make this a model pack.';
		expect(toInput({ ...d, grants: [{ model: 'gpt-5-nano', tokens: '1000' }] }, 0)).toEqual({ problems: { 'grant-model-0': said } });
		// A slip in that line's tokens is said too, beside its own field.
		expect(toInput({ ...d, grants: [{ model: 'gpt-5-nano', tokens: 'many' }] }, 0)).toMatchObject({ problems: { 'grant-model-0': said, 'grant-tokens-0': expect.any(String) } });
		expect(toInput({ ...d, grants: [{ model: 'gpt-5-nano', tokens: '1000' }, { model: '', tokens: '500' }] }, 0)).toMatchObject({ input: { kind: 'bundle' } });
		expect(toInput({ ...d, kind: 'model_pack', grants: [{ model: 'gpt-5-nano', tokens: '1000' }] }, 0)).toMatchObject({ input: { kind: 'model_pack' } });
	});

	it('says a Paddle price id another package has in that environment, not the package’s own', () => {
		const products = [{ id: 'starter', name: 'Starter', paddlePriceSandbox: 'pri_sand_1', paddlePriceProduction: 'pri_prod_1' }] as Product[];
		const d = { ...emptyDraft(), id: 'bigger' };
		expect(priceClash(products, { ...d, paddlePriceSandbox: ' pri_sand_1' })).toEqual({
			field: 'paddlePriceSandbox',
			text: 'That Paddle price id already belongs to “Starter” (starter): one price sells one package.'
		});
		expect(priceClash(products, { ...d, paddlePriceProduction: 'pri_prod_1' })).toMatchObject({ field: 'paddlePriceProduction' });
		expect(priceClash(products, { ...d, paddlePriceProduction: 'pri_sand_1' })).toBeNull();
		expect(priceClash(products, { ...d, id: 'starter', paddlePriceSandbox: 'pri_sand_1' })).toBeNull();
		expect(priceClash(products, d)).toBeNull();
	});

	it('says an id the list already has when adding, never when editing that package', () => {
		const products = [{ id: 'starter', name: 'Starter' }] as Product[];
		const d = { ...emptyDraft(), id: ' starter ' };
		expect(idTaken(products, d, true)).toBe('The id “starter” is already the package “Starter”: pick another id, or edit that package in the list.');
		expect(idTaken(products, d, false)).toBeNull();
		expect(idTaken(products, { ...d, id: 'starter-2' }, true)).toBeNull();
		expect(idTaken(products, { ...d, id: '' }, true)).toBeNull();
	});
	it('knows a package saved as it was (the form says nothing changed and sends nothing), and any field changed', () => {
		const saved = { id: 'tokens-5k', kind: 'pack', name: 'Token pack', description: '', grants: [{ model: null, tokens: 5000 }], priceCents: 500, currency: 'USD', billingInterval: null, maxQuantity: 100, paddlePriceSandbox: 'pri_quota_demo_tokens_5k', paddlePriceProduction: null, active: true, sort: 10, createdAt: '2026-12-01T00:00:00.000Z' } as unknown as Product;
		const r = toInput(draftOf(saved), saved.sort);
		if (!('input' in r)) throw new Error('the saved package is a valid draft');
		expect(sameAsSaved(saved, r.input)).toBe(true);
		expect(sameAsSaved(saved, { ...r.input, priceCents: 599 })).toBe(false);
		expect(sameAsSaved(saved, { ...r.input, grants: [{ model: null, tokens: 9000 }] })).toBe(false);
	});
	it('says before saving what a new price does: a new Paddle price, the old archived; subscribers keep theirs', () => {
		const plan = { id: 'monthly-20k', kind: 'subscription', name: 'Monthly plan', description: '', grants: [{ model: null, tokens: 20000 }], priceCents: 1500, currency: 'USD', billingInterval: 'month', maxQuantity: 1, paddlePriceSandbox: 'pri_quota_demo_monthly_20k', paddlePriceProduction: null, active: true, sort: 60 } as unknown as Product;
		expect(repriceNote(plan, draftOf(plan))).toBeNull();
		expect(repriceNote(plan, { ...draftOf(plan), name: 'Chat monthly' })).toBeNull();
		expect(repriceNote(plan, { ...draftOf(plan), price: '19.99' })).toBe(
			'Saving makes a new Paddle price of $19.99 a month and archives the one of $15.00 a month. New subscribers pay $19.99 a month; existing subscribers keep paying $15.00 a month until their subscription is changed in Paddle.'
		);
		expect(repriceNote(plan, { ...draftOf(plan), billingInterval: 'year' })).toMatch(/^Saving makes a new Paddle price of \$15\.00 a year/);
		const pack = { ...plan, kind: 'pack', billingInterval: null } as unknown as Product;
		expect(repriceNote(pack, { ...draftOf(pack), price: '5.99' })).toBe('Saving makes a new Paddle price of $5.99 and archives the one of $15.00. Buyers pay $5.99 from now on; purchases already made keep what they paid.');
		expect(repriceNote(undefined, { ...draftOf(pack), price: '5.99' })).toBeNull();
		// A price the form refuses (0, too much) is said by its slip alone: no word of a new Paddle price of $0.00 (newcomer walk 5).
		for (const price of ['0', '0.00', '99999999']) expect(repriceNote(pack, { ...draftOf(pack), price }), price).toBeNull();
	});

	it('says "on sale" only for a package buyers can buy here; one on sale but not in the store says why and what to do', () => {
		const why = 'it has no sandbox price id, and the local Paddle simulator this site sells through sells a package only through that id.';
		const sold = { name: 'Pro monthly', active: true, notInStore: null };
		expect(savedWords(sold)).toBe('“Pro monthly” is saved and on sale.');
		expect(onSaleWords(sold)).toBe('“Pro monthly” is on sale.');
		const unsold = { ...sold, notInStore: why };
		expect(savedWords(unsold)).toBe(`“Pro monthly” is saved, but not in the store: ${why}`);
		expect(onSaleWords(unsold)).toBe(`“Pro monthly” is marked on sale, but not in the store: ${why}`);
		for (const words of [savedWords(unsold), onSaleWords(unsold)]) expect(words).not.toMatch(/is (saved and )?on sale\./);
		const off = { ...sold, active: false };
		expect(savedWords(off)).toBe('“Pro monthly” is saved (not on sale).');
		expect(onSaleWords(off)).toBe('“Pro monthly” is off sale; who bought it keeps what they got.');
		// A plan's subscribers are not cut off: their renewals go on (fulfilment grants the plan as it is then).
		expect(onSaleWords({ ...off, kind: 'subscription' })).toBe('“Pro monthly” is off sale: nobody can subscribe to it now; its subscribers renew as before until they cancel.');
		expect(onSaleWords({ ...sold, kind: 'subscription' })).toBe('“Pro monthly” is on sale.');
	});

	it('says, when adding, that the price id of the environment the site sells in may stay empty (Add package makes it), and names the price made', () => {
		expect(madePriceHint({ environment: 'sandbox', simulator: true })).toBe('Leave “Paddle price id, sandbox” empty: adding the package makes its price in the local Paddle simulator this site sells through.');
		expect(madePriceHint({ environment: 'production', simulator: false })).toBe(
			"Leave “Paddle price id, production” empty: adding the package makes its price in Paddle's production (a product and a price of its amount). To sell through a price you made in Paddle's dashboard, paste its id: its amount, currency and billing period must be the package's."
		);
		expect(madePriceHint(null)).toBeNull();
		const sold = { name: 'Pro monthly', active: true, notInStore: null };
		expect(savedWords(sold, 'pri_01abcd')).toBe('“Pro monthly” is saved and on sale. Its Paddle price pri_01abcd was made for it.');
		expect(savedWords({ ...sold, active: false }, 'pri_01abcd')).toBe('“Pro monthly” is saved (not on sale). Its Paddle price pri_01abcd was made for it.');
	});
});
