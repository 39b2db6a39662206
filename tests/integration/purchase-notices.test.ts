// A member whose purchase Paddle refunds or charges back loses its tokens: they are told, in the inbox
// and by mail, as for every other change to their tokens they did not make themselves; and told again
// when a chargeback is reversed and the tokens come back. Once however often Paddle sends it.
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { expectInvariants, makeUser } from '../helpers/ledger';
import { delivered, post, useStoreTestBed } from '../helpers/paddle';
import type { Db } from '../../src/lib/server/db/client';
import { startCheckout } from '../../src/lib/server/store/orders';
import { balances, consume } from '../../src/lib/server/ledger';
import { listNotifications } from '../../src/lib/server/alerts/notifications';
import { purchaseNoticeWords } from '../../src/lib/server/alerts';
import { paddleId } from '../../src/lib/server/store/paddle/simulator/payloads';

const bed = useStoreTestBed({ withRates: true });
let db: Db;

beforeAll(async () => {
	db = bed.db;
});

/** A member who bought the 5,000-token pack (its order's name, "5,000 tokens" in the demo catalog's words). */
async function buyer() {
	const u = await makeUser(db);
	const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity: 1 });
	delivered(await bed.paddle.pay(c.transactionId));
	const [order] = await db.rows<{ product_name: string }>(sql`select product_name from orders where id = ${c.orderId}::uuid`);
	return { ...u, ...c, productName: order!.product_name };
}

/** The member's inbox entries the server worded (kind, title, body), oldest first. */
async function said(userId: string) {
	const { entries } = await listNotifications(db.orm, userId);
	return entries.filter((e) => e.said).map((e) => ({ kind: e.kind, ...e.said! })).reverse();
}

/** Mails queued for the member's notices of `kind`. */
const mails = async (kind: string, userId: string) =>
	(await db.rows<{ n: number }>(sql`select count(*)::int as n from scheduled_jobs where name = 'mail.send' and key like ${`${kind}:%:${userId}`}`))[0]!.n;

/** Paddle sending the transaction's latest notification of `eventType` again, under a new event id. */
async function replay(transactionId: string, eventType: string) {
	const [stored] = await db.rows<{ payload: Record<string, unknown> }>(
		sql`select payload from paddle_events where transaction_id = ${transactionId} and event_type = ${eventType} order by received_at desc limit 1`
	);
	expect((await post(bed.hook.url, { ...stored!.payload, event_id: paddleId('evt') })).status).toBe(200);
}

describe(`a purchase's tokens moved back by Paddle, told to the member, on ${backend}`, () => {
	it('a refund after some were used: what was taken back and what had been used, in the inbox and by mail, once', async () => {
		const b = await buyer();
		await consume(db.orm, { accountId: b.accountId, feature: 'search_images', model: null, units: 120, actor: { userId: b.userId }, idempotency: { scope: 'test', key: crypto.randomUUID() } });
		delivered(await bed.paddle.refund(b.transactionId));
		await replay(b.transactionId, 'adjustment.updated');

		expect((await balances(db.orm, b.accountId)).available).toBe(0);
		expect(await said(b.userId)).toEqual([
			{
				kind: 'purchase_refunded',
				title: '3,800 tokens taken back: your purchase was refunded',
				body: `${b.productName}: the 3,800 tokens left of it went with the money; the 1,200 tokens used before stay used.`
			}
		]);
		expect(await mails('purchase_refunded', b.userId)).toBe(1);
		await expectInvariants(db);
	});

	it('a chargeback, then its reversal: tokens taken back, then given back, each told once', async () => {
		const b = await buyer();
		delivered(await bed.paddle.chargeback(b.transactionId));
		delivered(await bed.paddle.chargeback(b.transactionId, true));
		await replay(b.transactionId, 'adjustment.created');

		expect((await balances(db.orm, b.accountId)).available).toBe(5_000);
		expect(await said(b.userId)).toEqual([
			{ kind: 'purchase_charged_back', title: '5,000 tokens taken back: a payment was charged back', body: `${b.productName}: its tokens went with the money.` },
			{ kind: 'chargeback_reversed', title: '5,000 tokens given back: the chargeback was reversed', body: `${b.productName}: the payment stands again, and so do the tokens it bought.` }
		]);
		expect(await mails('purchase_charged_back', b.userId)).toBe(1);
		expect(await mails('chargeback_reversed', b.userId)).toBe(1);
		await expectInvariants(db);
	});
});

describe('the words of a purchase moved back', () => {
	it("name a team's pool, and say a refund whose tokens were all used", () => {
		expect(purchaseNoticeWords({ kind: 'purchase_refunded', productName: 'Pro pack', takenBack: 2_000, alreadySpent: 0 }, 'Acme Studio').title).toBe(
			"2,000 tokens of Acme Studio's pool taken back: a purchase was refunded"
		);
		expect(purchaseNoticeWords({ kind: 'purchase_refunded', productName: 'Pro pack', takenBack: 0, alreadySpent: 5_000 }, null)).toEqual({
			title: 'Your purchase was refunded',
			body: 'Pro pack: its tokens had all been used.'
		});
	});
});
