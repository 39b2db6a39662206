import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Db } from '../../src/lib/server/db/client';
import { freshDb } from './db';
import { configureRates } from './ledger';
import { upsertModel } from '../../src/lib/server/ledger';
import { demoCatalog } from '../../src/lib/server/store/demo-catalog';
import { receivePaddleWebhook } from '../../src/lib/server/store/paddle/webhook';
import { signatureHeader } from '../../src/lib/server/store/paddle/signature';
import { PaddleSimulator } from '../../src/lib/server/store/paddle/simulator/simulator';
import { adjustmentPayload, envelope, transactionPayload, type SimTransaction } from '../../src/lib/server/store/paddle/simulator/payloads';
import { getProduct, upsertProduct } from '../../src/lib/server/store/catalog';

export const SECRET = 'pdl_ntfset_test_secret_for_quota';

/** A request's JSON body as a stand-in for Paddle's API reads it ({} when it has none). */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
	const chunks: Buffer[] = [];
	for await (const c of req) chunks.push(c as Buffer);
	return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

/** The models and packages of the demo (what the store sells in these tests), written as fixtures: no audit entries. */
export async function setUpCatalog(db: Db) {
	await upsertModel(db.orm, { key: 'gpt-5-nano', name: 'GPT-5 Nano', engine: 'openai' });
	await upsertModel(db.orm, { key: 'text-embedding-3-small', name: 'Text Embedding 3 Small', engine: 'openai' });
	await upsertModel(db.orm, { key: 'claude-sonnet-4-5', name: 'Claude Sonnet 4.5', engine: 'anthropic' });
	for (const p of demoCatalog) await upsertProduct(db.orm, p);
}

/**
 * The real webhook handler behind a real HTTP server on loopback: what Paddle (or the simulator)
 * talks to. The body is read raw, as the SvelteKit endpoint does.
 */
export async function startWebhookServer(db: Db): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
	const server = createServer(async (req, res) => {
		const chunks: Buffer[] = [];
		for await (const c of req) chunks.push(c as Buffer);
		const header = req.headers['paddle-signature'];
		const reply = await receivePaddleWebhook(db, { env: 'sandbox', secret: SECRET }, Buffer.concat(chunks).toString('utf8'), typeof header === 'string' ? header : null);
		res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const { port } = server.address() as AddressInfo;
	return { url: `http://127.0.0.1:${port}/api/webhooks/paddle`, server, close: () => new Promise((r) => server.close(() => r())) };
}

export function simulatorFor(db: Db, webhookUrl: string) {
	return new PaddleSimulator(db, webhookUrl, SECRET);
}

/** POSTs a Paddle event signed like Paddle does (or not, with `sign: false`). */
export async function post(url: string, event: unknown, opts: { secret?: string; at?: Date; header?: string | null; body?: string } = {}) {
	const body = opts.body ?? JSON.stringify(event);
	const headers: Record<string, string> = { 'content-type': 'application/json' };
	const header = opts.header === undefined ? signatureHeader(body, opts.secret ?? SECRET, opts.at) : opts.header;
	if (header !== null) headers['paddle-signature'] = header;
	const res = await fetch(url, { method: 'POST', headers, body });
	return { status: res.status, body: (await res.json()) as { ok: boolean; outcome?: string; duplicate?: boolean; error?: string } };
}

export async function lotsOf(db: Db, accountId: string) {
	return db.rows<{ id: string; source: string; model: string | null; amount: number; remaining: number; expires_at: string | null; expired_at: string | null; grant_key: string | null; note: string | null }>(
		sql`select id, source, model, amount::int8 as amount, remaining::int8 as remaining, expires_at::text, expired_at::text, grant_key, note
		      from lots where account_id = ${accountId}::uuid order by created_at, id`
	);
}

export async function eventRows(db: Db) {
	return db.rows<{ event_id: string; event_type: string; outcome: string; note: string | null }>(
		sql`select event_id, event_type, outcome, note from paddle_events order by received_at, event_id`
	);
}

/** A fresh database with the demo catalog, the webhook endpoint on loopback, and a simulator posting to it. */
export async function storeTestBed(opts: { poolSize?: number; withRates?: boolean } = {}) {
	const db = await freshDb({ poolSize: opts.poolSize });
	if (opts.withRates) await configureRates(db);
	await setUpCatalog(db);
	const hook = await startWebhookServer(db);
	const paddle = simulatorFor(db, hook.url);
	return {
		db,
		hook,
		paddle,
		close: async () => {
			await hook.close();
			await db.close();
		}
	};
}

export type StoreTestBed = Awaited<ReturnType<typeof storeTestBed>>;

/**
 * The test file's store test bed (storeTestBed with `opts`): made before its tests and closed after them.
 * Its parts are read through the object returned, once the bed is made: a file's own beforeAll runs after
 * the bed's and its afterAll before the bed closes, as vitest stacks hooks.
 */
export function useStoreTestBed(opts: Parameters<typeof storeTestBed>[0] = {}): Omit<StoreTestBed, 'close'> {
	let bed: StoreTestBed | undefined;
	beforeAll(async () => {
		bed = await storeTestBed(opts);
	});
	afterAll(async () => bed?.close());
	const made = () => {
		if (!bed) throw new Error('The store test bed is made in beforeAll: read it in a hook or a test.');
		return bed;
	};
	return {
		get db() {
			return made().db;
		},
		get hook() {
			return made().hook;
		},
		get paddle() {
			return made().paddle;
		}
	};
}

/** Every webhook delivery taken (HTTP 200): what the simulator's pay, refund or chargeback sent to the bed's endpoint. */
export function delivered(deliveries: { status: number }[]) {
	expect(deliveries.filter((d) => d.status !== 200)).toEqual([]);
}

/** A completed checkout transaction as Paddle reports it (SDK shape), and its refund, for hand-ordered deliveries. */
export async function paddleEventsFor(db: Db, checkout: { transactionId: string; orderId: string }, productId: string, quantity = 1) {
	const product = await getProduct(db.orm, productId);
	const now = new Date().toISOString();
	const txn: SimTransaction = {
		id: checkout.transactionId, status: 'completed', origin: 'api', priceId: product.paddlePriceSandbox!, quantity,
		customData: { orderId: checkout.orderId }, subscriptionId: null, billingPeriod: null,
		payments: [{ status: 'captured', at: now }], createdAt: now, billedAt: now
	};
	return {
		completed: (at?: Date) => envelope('transaction.completed', transactionPayload(txn, product), at),
		paymentFailed: (at?: Date) => envelope('transaction.payment_failed', transactionPayload({ ...txn, status: 'past_due', payments: [{ status: 'error', at: now }] }, product), at),
		refund: () => envelope('adjustment.updated', adjustmentPayload(txn, product, 'refund', 'approved'))
	};
}
