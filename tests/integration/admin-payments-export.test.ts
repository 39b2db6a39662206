import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { tz } from '@date-fns/tz';
import { format } from 'date-fns';
import { backend } from '../helpers/db';
import { makeUser } from '../helpers/ledger';
import { delivered, post, useStoreTestBed } from '../helpers/paddle';
import { startCheckout } from '../../src/lib/server/store/orders';
import { getProduct } from '../../src/lib/server/store/catalog';
import { siteRevenue } from '../../src/lib/server/store';
import { paymentsCsv } from '../../src/lib/server/admin';
import { adjustmentPayload, envelope, paddleId, type SimTransaction } from '../../src/lib/server/store/paddle/simulator/payloads';
import { outcome } from '../helpers/ledger';

// The payments export: what a site owner hands their accountant for a month. Its rows add up to the
// Overview's Revenue of the same days (gross, refunds, net), as that card counts them.
const bed = useStoreTestBed();

async function bought(productId: string, quantity = 1) {
	const u = await makeUser(bed.db);
	await bed.db.orm.execute(sql`update users set name = '=SUM(A1:A9), "Zoe"' where id = ${u.userId}::uuid`);
	const c = await startCheckout(bed.db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId, quantity });
	delivered(await bed.paddle.pay(c.transactionId));
	return { ...u, ...c };
}

/** Paddle's approved partial refund of `cents` of the order (the seller's dashboard sends it so). */
async function partialRefund(b: { transactionId: string; orderId: string }, productId: string, cents: number) {
	const product = await getProduct(bed.db.orm, productId);
	const at = new Date().toISOString();
	const txn: SimTransaction = {
		id: b.transactionId, status: 'completed', origin: 'api', priceId: product.paddlePriceSandbox!, quantity: 1,
		customData: { orderId: b.orderId }, subscriptionId: null, billingPeriod: null, payments: [], createdAt: at, billedAt: at
	};
	const base = adjustmentPayload(txn, product, 'refund', 'approved', paddleId('adj'));
	const total = String(cents);
	const event = envelope('adjustment.updated', {
		...base, type: 'partial',
		items: base.items.map((i) => ({ ...i, type: 'partial', amount: total, totals: { ...i.totals, total, subtotal: total } })),
		totals: { ...base.totals, total, subtotal: total }
	});
	expect((await post(bed.hook.url, event)).body).toMatchObject({ ok: true, outcome: 'flagged' });
}

describe(`the payments CSV on ${backend}`, () => {
	it('has each payment, refund, chargeback and reversal once, signed, and adds up to the Overview’s revenue of the same days', async () => {
		const pack = await bought('tokens-5k', 3); // $15.00
		const bundle = await bought('starter-bundle'); // $32.00
		const plan = await bought('gpt-5-nano-50k'); // $20.00
		const disputed = await bought('tokens-5k'); // $5.00
		delivered(await bed.paddle.refund(pack.transactionId));
		delivered(await bed.paddle.chargeback(bundle.transactionId));
		delivered(await bed.paddle.chargeback(bundle.transactionId, true));
		await partialRefund(plan, 'gpt-5-nano-50k', 1_250);
		delivered(await bed.paddle.chargeback(disputed.transactionId));

		const today = format(new Date(), 'yyyy-MM-dd', { in: tz('UTC') });
		const file = await paymentsCsv(bed.db.orm, { from: today, to: today });
		expect(file.filename).toBe(`quota-payments-${today}-to-${today}.csv`);
		const rows = parse(await new Response(file.body).text(), { columns: true }) as Record<string, string>[];
		expect(rows.map((r) => [r.kind, r.adjustment_type, r.product, r.amount, r.currency])).toEqual([
			['payment', '', 'Token pack', '15.00', 'USD'],
			['payment', '', 'Starter bundle', '32.00', 'USD'],
			['payment', '', 'GPT-5 Nano 50k', '20.00', 'USD'],
			['payment', '', 'Token pack', '5.00', 'USD'],
			['refund', 'full', 'Token pack', '-15.00', 'USD'],
			['chargeback', 'full', 'Starter bundle', '-32.00', 'USD'],
			['chargeback_reverse', 'full', 'Starter bundle', '32.00', 'USD'],
			['refund', 'partial', 'GPT-5 Nano 50k', '-12.50', 'USD'],
			['chargeback', 'full', 'Token pack', '-5.00', 'USD']
		]);
		// Whose it was, typed by a member: a spreadsheet shows it as text, it does not run it.
		expect(rows[0]!.account).toBe(`'=SUM(A1:A9), "Zoe"`);
		expect(rows[0]!.order_status_now).toBe('refunded');
		expect(rows[4]!.paddle_transaction_id).toBe(pack.transactionId);

		const cents = (kind: (k: string) => boolean) => rows.filter((r) => kind(r.kind!)).reduce((sum, r) => sum + Number(r.amount_minor_units), 0);
		const [usd] = (await siteRevenue(bed.db.orm)).today;
		// Refunds and chargebacks each under their own name: the Overview's Refunds are the file's refund rows, its
		// Chargebacks its chargeback rows less their reversals (the bundle's, reversed, counts nothing).
		expect(usd).toMatchObject({ currency: 'USD', grossCents: 7_200, refundedCents: 1_500 + 1_250, chargedBackCents: 500, netCents: 7_200 - 2_750 - 500 });
		expect(cents((k) => k === 'payment')).toBe(usd!.grossCents);
		expect(-cents((k) => k === 'refund')).toBe(usd!.refundedCents);
		expect(-cents((k) => k.startsWith('chargeback'))).toBe(usd!.chargedBackCents);
		expect(cents(() => true)).toBe(usd!.netCents);
	});

	it('refuses a range that is not two days in order, before the download starts', async () => {
		expect(await outcome(paymentsCsv(bed.db.orm, { from: '2026-12-31', to: '2026-12-01' }))).toBe('invalid_input');
		expect(await outcome(paymentsCsv(bed.db.orm, { from: 'yesterday', to: '2026-12-01' }))).toBe('invalid_input');
	});
});
