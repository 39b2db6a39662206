// A host site learns at cancel time that a plan will end, and when: Paddle reports a cancellation as
// `subscription.updated` with `scheduled_change: {action: 'cancel', effective_at}` (the member's
// cancel in Purchases and the seller's in Paddle alike), and a removed scheduled change as the cancel
// undone. Played end to end: the loopback Paddle stand-in POSTs its signed events to the real Paddle
// webhook handler, and Quota's deliveries reach a receiver on loopback, signed per Standard Webhooks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { backend } from '../helpers/db';
import { expectInvariants, makeUser } from '../helpers/ledger';
import { post, useStoreTestBed } from '../helpers/paddle';
import { receiver } from '../helpers/webhook-receiver';
import { paddleId } from '../../src/lib/server/store/paddle/simulator/payloads';
import { subscriptions } from '../../src/lib/server/db/schema';
import { startCheckout } from '../../src/lib/server/store/orders';
import { cancelSubscription, resumeSubscription } from '../../src/lib/server/store';
import { closeWebhookAgents, createEndpoint, deliverDue, startWebhookOutbox } from '../../src/lib/server/webhooks';

type Sent = { type: string; data: Record<string, unknown> };

const bed = useStoreTestBed();
let host: Awaited<ReturnType<typeof receiver>>;
let secret: string;
let unsubscribe: () => void;
beforeAll(async () => {
	unsubscribe = startWebhookOutbox();
	host = await receiver((_, res) => res.writeHead(200).end());
	const types = ['subscription.cancel_scheduled', 'subscription.cancel_undone', 'subscription.canceled'] as const;
	secret = (await createEndpoint(bed.db, { url: host.url, event_types: [...types] }, { ip: null })).secret;
});
afterAll(async () => {
	unsubscribe();
	await host?.close();
	await closeWebhookAgents();
});

/** Delivers what is due, then the host's receipts since `from`, each verified with the endpoint's secret. */
async function receivedSince(from: number): Promise<(Sent & { id: string })[]> {
	await deliverDue(bed.db, { timeoutMs: 3000 });
	const wh = new Webhook(secret);
	return host.got.slice(from).map((g) => ({ id: g.id, ...(wh.verify(g.body, g.headers) as Sent) }));
}

/** A member's paid monthly subscription: its row in Quota and its id in Paddle. */
async function subscribed() {
	const u = await makeUser(bed.db);
	const c = await startCheckout(bed.db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'monthly-20k', quantity: 1 });
	await bed.paddle.pay(c.transactionId);
	const inPaddle = (await bed.paddle.listRecords()).subscriptions.find((s) => s.transactionId === c.transactionId)!;
	const [row] = await bed.db.orm.select().from(subscriptions).where(eq(subscriptions.paddleSubscriptionId, inPaddle.id));
	return { u, row: row!, paddleId: inPaddle.id, periodEnd: inPaddle.period.endsAt };
}

/** Paddle's last subscription.updated about `paddleSubscriptionId`, as it was POSTed. */
async function lastUpdate(paddleSubscriptionId: string) {
	const [e] = await bed.db.rows<{ payload: Record<string, unknown> }>(
		sql`select payload from paddle_events where event_type = 'subscription.updated' and payload->'data'->>'id' = ${paddleSubscriptionId} order by received_at desc limit 1`
	);
	return e!.payload;
}

describe(`subscription cancel webhooks on ${backend}`, () => {
	it('the member cancels: cancel_scheduled at once with ends_at, signed; Paddle sending it again sends nothing; Keep subscription sends cancel_undone', async () => {
		const { u, row, paddleId: subId, periodEnd } = await subscribed();
		const from = host.got.length;

		await cancelSubscription(bed.db.orm, bed.paddle, u.accountId, row.id, { userId: u.userId });
		const [scheduled, ...more] = await receivedSince(from);
		expect(more).toEqual([]);
		expect(scheduled!.type).toBe('subscription.cancel_scheduled');
		expect(scheduled!.data).toMatchObject({ event_id: scheduled!.id, account_id: u.accountId, subscription_id: row.id, product_id: 'monthly-20k', ends_at: new Date(periodEnd).toISOString() });
		expect(scheduled!.data.balance_after).toEqual({ available: 20_000, held: 0, unlimited: false, unlimited_models: [] });

		// Paddle redelivers the same event, sends it again under a new event id, and sends a later update
		// (another change) with the same cancellation: nothing more reaches the host.
		const update = await lastUpdate(subId);
		expect((await post(bed.hook.url, update)).body.duplicate).toBe(true);
		expect((await post(bed.hook.url, { ...update, event_id: paddleId('evt') })).status).toBe(200);
		const later = { ...update, event_id: paddleId('evt'), occurred_at: new Date(Date.parse(String(update.occurred_at)) + 1).toISOString() };
		expect((await post(bed.hook.url, later)).body.outcome).toBe('processed');
		expect(await receivedSince(from + 1)).toEqual([]);

		await resumeSubscription(bed.db.orm, bed.paddle, u.accountId, row.id, { userId: u.userId });
		const [undone, ...after] = await receivedSince(from + 1);
		expect(after).toEqual([]);
		expect(undone!.type).toBe('subscription.cancel_undone');
		expect(undone!.data).toMatchObject({ subscription_id: row.id, renews_at: new Date(periodEnd).toISOString() });
		expect(undone!.data.sequence).toBe(Number(scheduled!.data.sequence) + 1);
		await expectInvariants(bed.db);
	});

	it('the seller cancels in Paddle: cancel_scheduled; at the period’s end, subscription.canceled, once', async () => {
		const { u, row, paddleId: subId, periodEnd } = await subscribed();
		const from = host.got.length;

		await bed.paddle.cancelSubscription(subId);
		await bed.paddle.renew(subId); // the period is over: Paddle ends the subscription
		const got = await receivedSince(from);
		expect(got.map((g) => g.type)).toEqual(['subscription.cancel_scheduled', 'subscription.canceled']);
		expect(got[0]!.data).toMatchObject({ account_id: u.accountId, subscription_id: row.id, ends_at: new Date(periodEnd).toISOString() });
		expect(got[1]!.data).toMatchObject({ subscription_id: row.id, product_id: 'monthly-20k' });

		const [ended] = await bed.db.rows<{ payload: Record<string, unknown> }>(
			sql`select payload from paddle_events where event_type = 'subscription.canceled' and payload->'data'->>'id' = ${subId}`
		);
		expect((await post(bed.hook.url, { ...ended!.payload, event_id: paddleId('evt') })).status).toBe(200);
		expect(await receivedSince(from + 2)).toEqual([]);
		const [{ n }] = (await bed.db.rows<{ n: number }>(sql`select count(*)::int as n from webhook_events where account_id = ${u.accountId}::uuid`)) as [{ n: number }];
		expect(n).toBe(2);
		await expectInvariants(bed.db);
	});
});
