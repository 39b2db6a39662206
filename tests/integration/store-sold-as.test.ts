// A purchase keeps what was sold: a package edited after the sale (tokens, name, price) changes
// none of what the buyer's pages, the widget or the console (its payments, the audit log) say of that purchase, and orders from
// before migration 0049 take what was sold from what the ledger granted, not from today's package.
// A subscription is named as its latest paid period was bought: a plan renamed after the purchase
// keeps its old name on the subscription's row until a renewal grants the plan as it stands.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { expectInvariants, makeUser } from '../helpers/ledger';
import { delivered, useStoreTestBed } from '../helpers/paddle';
import { saveProduct, getProduct } from '../../src/lib/server/store/catalog';
import { startCheckout, listPurchases } from '../../src/lib/server/store/orders';
import { accountPurchases, cancelSubscription, resumeSubscription } from '../../src/lib/server/store';
import { auditCsv } from '../../src/lib/server/admin/exports';
import { subscriptions } from '../../src/lib/server/db/schema';
import { embedRecent } from '../../src/lib/server/embed/view';
import { listPaymentEvents } from '../../src/lib/server/admin/payments';
import { statement } from '../../src/lib/server/ledger';
import { listAudit } from '../../src/lib/server/admin/audit-log';

const bed = useStoreTestBed();

/** A user who bought `quantity` of `productId` through the embedded store, paid through the simulator. */
async function bought(productId: string, quantity = 1) {
	const u = await makeUser(bed.db);
	const started = await startCheckout(bed.db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId, quantity, channel: 'embed' });
	delivered(await bed.paddle.pay(started.transactionId));
	return { ...u, orderId: started.orderId, transactionId: started.transactionId };
}

/** The package edited by a site admin as the console saves it. */
async function edit(productId: string, change: { name: string; priceCents: number; tokens: number[] }) {
	const p = await getProduct(bed.db.orm, productId);
	await saveProduct(bed.db.orm, { via: 'demo data' }, { ...p, name: change.name, priceCents: change.priceCents, grants: p.grants.map((g, i) => ({ ...g, tokens: change.tokens[i]! })) }, 'update');
}

/** Every place that shows this one purchase, as its reader says it (the member's Purchases and the console's user page read `accountPurchases`). */
async function shownEverywhere(u: { userId: string; accountId: string; orderId: string }) {
	const mine = (await listPurchases(bed.db.orm, u.accountId)).find((p) => p.id === u.orderId);
	const page = await accountPurchases(bed.db.orm, u.accountId, u.userId);
	const widget = await embedRecent(bed.db, u.accountId);
	const payments = await listPaymentEvents(bed.db.orm, { account: u.accountId });
	const grants = (await statement(bed.db.orm, u.accountId)).rows.filter((r) => r.kind === 'grant');
	const paid = payments.rows.find((r) => r.eventType === 'transaction.completed' && r.order?.id === u.orderId);
	const audited = (await listAudit(bed.db.orm, { action: 'store.purchase_completed' })).rows.find((r) => r.targetId === u.orderId);
	return {
		purchase: { name: mine!.productName, kind: mine!.kind, tokens: mine!.tokens, contents: mine!.contents, amountCents: mine!.amountCents },
		page: page.purchases.find((p) => p.id === u.orderId)!.productName,
		subscriptions: page.subscriptions.map((s) => s.productName),
		widget: widget.purchases.map((p) => [p.productName, p.tokens, p.amountCents]),
		payments: paid!.order,
		statement: grants.map((g) => [g.note, g.tokens]),
		audit: audited!.words.lines.filter((l) => ['Package', 'Tokens'].includes(l.label))
	};
}

describe(`a purchase is what was sold, whatever the package becomes, on ${backend}`, () => {
	it('a monthly plan bought in the embedded store, then edited to more tokens, a new name and price: every reader says 20,000 tokens, “Monthly plan”, $15.00', async () => {
		const u = await bought('monthly-20k');
		const before = await shownEverywhere(u);
		expect(before.purchase).toEqual({ name: 'Monthly plan', kind: 'subscription', tokens: 20_000, contents: [{ model: null, modelName: 'General balance', tokens: 20_000 }], amountCents: 1_500 });
		expect(before.widget).toEqual([['Monthly plan', 20_000, 1_500]]);
		expect(before.payments).toMatchObject({ productName: 'Monthly plan', quantity: 1 });
		expect(before.audit).toEqual([{ label: 'Package', value: { text: 'Monthly plan' } }, { label: 'Tokens', value: { figure: 20_000 } }]);

		await edit('monthly-20k', { name: 'Chat monthly', priceCents: 1_999, tokens: [25_000] });
		expect(await shownEverywhere(u)).toEqual(before);
		await expectInvariants(bed.db);
		await edit('monthly-20k', { name: 'Monthly plan', priceCents: 1_500, tokens: [20_000] });
	});

	it('a bundle bought twice over keeps its contents per model; a checkout open during the edit keeps the price it was opened at and, paid, grants what it offered', async () => {
		const u = await bought('starter-bundle', 2);
		const pendingBuyer = await makeUser(bed.db);
		const open = await startCheckout(bed.db.orm, bed.paddle, { accountId: pendingBuyer.accountId, userId: pendingBuyer.userId, email: null, productId: 'starter-bundle', quantity: 1 });
		const before = await shownEverywhere(u);
		expect(before.purchase.contents.map((c) => [c.model, c.tokens])).toEqual([['gpt-5-nano', 100_000], ['text-embedding-3-small', 50_000], ['claude-sonnet-4-5', 20_000]]);

		await edit('starter-bundle', { name: 'Builder bundle', priceCents: 4_500, tokens: [1, 2, 3] });
		expect(await shownEverywhere(u)).toEqual(before);
		const [pending] = await listPurchases(bed.db.orm, pendingBuyer.accountId, { orderId: open.orderId });
		expect(pending).toMatchObject({ productName: 'Starter bundle', amountCents: 3_200, tokens: 85_000 });
		// Paid after the edit, it grants what its checkout offered, under that name: not the package as it became.
		delivered(await bed.paddle.pay(open.transactionId));
		const paid = await shownEverywhere({ ...pendingBuyer, orderId: open.orderId });
		expect(paid.purchase.contents.map((c) => [c.model, c.tokens])).toEqual([['gpt-5-nano', 50_000], ['text-embedding-3-small', 25_000], ['claude-sonnet-4-5', 10_000]]);
		expect(paid.purchase).toMatchObject({ name: 'Starter bundle', tokens: 85_000 });
		expect(paid.statement.toSorted((a, b) => Number(b[1]) - Number(a[1]))).toEqual([['Starter bundle', 50_000], ['Starter bundle', 25_000], ['Starter bundle', 10_000]]);
		expect(paid.audit).toEqual([{ label: 'Package', value: { text: 'Starter bundle' } }, { label: 'Tokens', value: { figure: 85_000 } }]);
		await expectInvariants(bed.db);
	});

	it('a plan renamed after its purchase: its row, the purchase, the statement, Payments, the audit log and its CSV keep the name it was bought under; a renewal after the rename grants the plan as it stands, and says its new name', async () => {
		const u = await bought('monthly-20k');
		const first = await shownEverywhere(u);
		expect(first.subscriptions).toEqual(['Monthly plan']);
		await edit('monthly-20k', { name: 'Pro monthly', priceCents: 1_500, tokens: [30_000] });

		// Asking to end it names the plan as the member bought it, as their Purchases does.
		const [sub] = await bed.db.orm.select().from(subscriptions).where(eq(subscriptions.accountId, u.accountId));
		await cancelSubscription(bed.db.orm, bed.paddle, u.accountId, sub!.id, { userId: u.userId });
		const asked = (await listAudit(bed.db.orm, { action: 'store.subscription_cancel_asked', account: u.accountId })).rows;
		expect(asked.map((r) => r.words.lines)).toEqual([[{ label: 'Package', value: { text: 'Monthly plan' } }]]);
		expect(await shownEverywhere(u)).toEqual(first);
		const csv = await new Response((await auditCsv(bed.db.orm, { action: 'store.purchase_completed', account: u.accountId })).body).text();
		expect(csv).toContain('"package_name"":""Monthly plan""');
		expect(csv).not.toContain('Pro monthly');

		// Kept after all, it renews: the renewal grants the plan as it stands (30,000 tokens) under its name now.
		await resumeSubscription(bed.db.orm, bed.paddle, u.accountId, sub!.id, { userId: u.userId });
		delivered(await bed.paddle.renew(sub!.paddleSubscriptionId));
		const [renewal] = await listPurchases(bed.db.orm, u.accountId);
		expect(renewal).toMatchObject({ renewal: true, productName: 'Pro monthly', tokens: 30_000 });
		const renewed = await shownEverywhere({ ...u, orderId: renewal!.id });
		expect(renewed).toMatchObject({ page: 'Pro monthly', subscriptions: ['Pro monthly'], payments: { productName: 'Pro monthly' } });
		expect(renewed.statement.map(([note, tokens]) => [note, tokens])).toEqual([['Pro monthly · renewal', 30_000], ['Monthly plan', 20_000]]);
		// The first period's purchase still says what it was.
		expect(await shownEverywhere(u)).toMatchObject({ purchase: first.purchase, page: 'Monthly plan', payments: first.payments, audit: first.audit });
		await expectInvariants(bed.db);
		await edit('monthly-20k', { name: 'Monthly plan', priceCents: 1_500, tokens: [20_000] });
	});

	it('migration 0049 fills an order from before it from the lots its payment granted (name from their note), not from the package as it is now', async () => {
		const u = await bought('tokens-5k', 3);
		await edit('tokens-5k', { name: 'Big pack', priceCents: 900, tokens: [9_000] });
		// The order as an earlier release left it: nothing of the sale on it (today's package where it must say something).
		await bed.db.rows(sql`update orders set product_name = 'Big pack', product_kind = 'bundle', unit_price_cents = 900, contents = '[{"model": null, "tokens": 27000}]' where id = ${u.orderId}::uuid`);
		const backfill = readFileSync('drizzle/0049_orders_keep_what_was_sold.sql', 'utf8').split('--> statement-breakpoint').filter((s) => /^\s*(WITH|UPDATE)/m.test(s.replace(/^--.*$/gm, '')));
		expect(backfill).toHaveLength(2);
		await bed.db.rows(sql.raw(backfill[0]!));
		const [row] = await listPurchases(bed.db.orm, u.accountId);
		expect(row).toMatchObject({ productName: 'Token pack', kind: 'pack', tokens: 15_000, contents: [{ model: null, tokens: 15_000 }], amountCents: 1_500 });
		await expectInvariants(bed.db);
	});
});
