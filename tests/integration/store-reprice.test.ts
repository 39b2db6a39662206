// A package's new price, as Paddle recommends: a new price, the old one archived. Buyers from then on
// pay the new price; a subscriber's renewals stay on their price (Paddle keeps it) and still grant
// this package's tokens; a package edited without a new price keeps its Paddle price.
import { describe, expect, it } from 'vitest';
import { backend } from '../helpers/db';
import { expectInvariants, makeUser } from '../helpers/ledger';
import { delivered, useStoreTestBed } from '../helpers/paddle';
import { getProduct, productsByPriceId, saveProduct } from '../../src/lib/server/store/catalog';
import { listPurchases, startCheckout } from '../../src/lib/server/store/orders';
import { products, subscriptions } from '../../src/lib/server/db/schema';
import type { PaymentProvider } from '../../src/lib/server/store/paddle/provider';
import { eq } from 'drizzle-orm';

const bed = useStoreTestBed();

const admin = { via: 'command line' } as const;

async function subscribe(productId: string) {
	const u = await makeUser(bed.db);
	const started = await startCheckout(bed.db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId, quantity: 1 });
	delivered(await bed.paddle.pay(started.transactionId));
	const [sub] = await bed.db.orm.select().from(subscriptions).where(eq(subscriptions.accountId, u.accountId));
	return { ...u, paddleSubscriptionId: sub!.paddleSubscriptionId };
}

describe(`a package's price changed, through the simulator, on ${backend}`, () => {
	it('a new Paddle price for new buyers; the subscriber renews at $15.00 on the archived price and gets the plan’s tokens', async () => {
		const subscriber = await subscribe('monthly-20k');
		const plan = await getProduct(bed.db.orm, 'monthly-20k');
		const saved = await saveProduct(bed.db.orm, admin, { ...plan, priceCents: 1_999 }, 'update', bed.paddle);
		expect(saved.paddlePriceSandbox).toMatch(/^pri_01/);
		expect(saved.paddlePriceSandbox).not.toBe(plan.paddlePriceSandbox);
		expect(saved.retiredPrices).toEqual([{ environment: 'sandbox', priceId: plan.paddlePriceSandbox, unitPriceCents: 1_500, currency: 'USD', retiredAt: expect.any(String) }]);
		// The archived price still names the package, at the price it sold for.
		expect((await productsByPriceId(bed.db.orm, 'sandbox', [plan.paddlePriceSandbox!])).get(plan.paddlePriceSandbox!)).toMatchObject({ id: 'monthly-20k', priceCents: 1_500 });

		delivered(await bed.paddle.renew(subscriber.paddleSubscriptionId));
		const [renewal, first] = await listPurchases(bed.db.orm, subscriber.accountId);
		expect(renewal).toMatchObject({ renewal: true, status: 'completed', amountCents: 1_500, tokens: 20_000 });
		expect(first).toMatchObject({ renewal: false, amountCents: 1_500 });

		const newcomer = await subscribe('monthly-20k');
		const [bought] = await listPurchases(bed.db.orm, newcomer.accountId);
		expect(bought).toMatchObject({ amountCents: 1_999, tokens: 20_000 });
		// The archived price is still this plan's: no other package may take it (its renewals would credit either).
		await expect(saveProduct(bed.db.orm, admin, { id: 'second-plan', kind: 'subscription', name: 'Second plan', grants: [{ model: null, tokens: 1_000 }], priceCents: 500, billingInterval: 'month', paddlePriceSandbox: plan.paddlePriceSandbox }, 'create')).rejects.toMatchObject({
			code: 'conflict',
			message: 'That Paddle price id already belongs to “monthly-20k”'
		});
		await expectInvariants(bed.db);
	});

	it('tokens or a name changed, or a price id the admin typed, keep what Paddle has: no new price', async () => {
		const pack = await getProduct(bed.db.orm, 'tokens-5k');
		const renamed = await saveProduct(bed.db.orm, admin, { ...pack, name: 'Token pack XL', grants: [{ model: null, tokens: 6_000 }] }, 'update', bed.paddle);
		expect(renamed).toMatchObject({ paddlePriceSandbox: pack.paddlePriceSandbox, retiredPrices: [] });
		const typed = await saveProduct(bed.db.orm, admin, { ...renamed, priceCents: 700, paddlePriceSandbox: 'pri_made_in_dashboard' }, 'update', bed.paddle);
		expect(typed).toMatchObject({ paddlePriceSandbox: 'pri_made_in_dashboard', retiredPrices: [] });
	});

	it('a refused save leaves no new price in Paddle: input it refuses asks Paddle nothing, and a price made for a save refused after is archived', async () => {
		// The simulator, with what was asked of it written down.
		const asked: string[] = [];
		let meanwhile = async () => {};
		const paddle: PaymentProvider = Object.assign(Object.create(bed.paddle), {
			newPriceLike: async (priceId: string) => {
				const made = await bed.paddle.newPriceLike(priceId);
				asked.push(`new ${made.priceId}`);
				await meanwhile();
				return made;
			},
			archivePrice: async (priceId: string) => void asked.push(`archive ${priceId}`)
		});
		const plan = await getProduct(bed.db.orm, 'gpt-5-nano-50k');
		await expect(saveProduct(bed.db.orm, admin, { ...plan, priceCents: plan.priceCents + 100, grants: [{ model: 'no-such-model', tokens: 1 }] }, 'update', paddle)).rejects.toMatchObject({ code: 'unknown_model' });
		expect(asked).toEqual([]);

		// Another admin's new price lands while Paddle makes this one: this save is refused, and the price it made archived.
		meanwhile = async () => void (await bed.db.orm.update(products).set({ priceCents: plan.priceCents + 200 }).where(eq(products.id, plan.id)));
		await expect(saveProduct(bed.db.orm, admin, { ...plan, priceCents: plan.priceCents + 100 }, 'update', paddle)).rejects.toMatchObject({ code: 'conflict' });
		expect(asked).toEqual([expect.stringMatching(/^new pri_/), asked[0]!.replace('new', 'archive')]);
		expect(await getProduct(bed.db.orm, plan.id)).toMatchObject({ priceCents: plan.priceCents + 200, paddlePriceSandbox: plan.paddlePriceSandbox, retiredPrices: [] });
		await expectInvariants(bed.db);
	});
});
