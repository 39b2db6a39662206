import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AllowanceExhausted, HoldAlreadySettled, InsufficientTokens, LimitReached, Quota, QuotaNetworkError, RateLimited, serverSentEvents, Unavailable } from '../../sdk/src/index.js';

// The SDK's retry rules against a loopback stand-in that answers what the real API answers under
// faults it cannot be made to produce on cue (503 from an outage, 429, a request still in flight,
// a dropped connection). The real API is driven in tests/integration/sdk.test.ts.

type Reply = (req: IncomingMessage, res: ServerResponse) => void;
const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => (_req, res) => {
	res.writeHead(status, { 'content-type': 'application/json', ...headers });
	res.end(JSON.stringify(body));
};
const drop: Reply = (req) => req.socket.destroy();
const consumed = { operation_id: '00000000-0000-4000-8000-000000000001', cost: 10, paid_by: [], remaining: 90 };

let server: Server;
let base: string;
// Each test has its own path prefix, so a request a former test abandoned never takes this one's replies.
let test = 0;
const scripts = new Map<string, Reply[]>();
let seen: { method: string; url: string; key: string | undefined; at: number; body: string }[] = [];
beforeAll(async () => {
	server = createServer(async (req, res) => {
		let body = '';
		for await (const chunk of req) body += chunk;
		const prefix = req.url!.split('/')[1]!;
		if (prefix === `t${test}`) seen.push({ method: req.method!, url: req.url!, key: req.headers['idempotency-key'] as string | undefined, at: Date.now(), body });
		(scripts.get(prefix)?.shift() ?? json(500, { error: 'internal_error', message: 'script ran out' }))(req, res);
	});
	server.listen(0, '127.0.0.1');
	await new Promise((r) => server.once('listening', r));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const client = (retry = {}) => new Quota({ baseUrl: `${base}/t${test}`, apiKey: 'qk_test', retry: { baseDelayMs: 20, maxDelayMs: 50, ...retry } });
const run = (replies: Reply[]) => {
	scripts.set(`t${++test}`, replies);
	seen = [];
};

describe('SDK retries', () => {
	it('makes an idempotency key and retries the same key through a dropped connection, 503, 429 and 409 in flight', async () => {
		run([
			drop,
			json(503, { error: 'unavailable', message: 'down' }, { 'retry-after': '1' }),
			json(429, { error: 'rate_limited', message: 'slow down' }),
			json(409, { error: 'idempotency_key_in_flight', message: 'still running' }),
			json(200, consumed)
		]);
		const r = await client().consume({ user: 'u1', feature: 'ai_bots', units: 4 });
		expect(r).toEqual(consumed);
		expect(seen).toHaveLength(5);
		const key = seen[0]!.key!;
		expect(key).toMatch(/^[0-9a-f-]{36}$/);
		expect(seen.map((s) => s.key)).toEqual(Array(5).fill(key));
		expect(seen.every((s) => s.body === JSON.stringify({ user: 'u1', feature: 'ai_bots', units: 4 }))).toBe(true);
		// Retry-After: 1 was honoured between the 503 and the 429.
		expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(950);
	});

	it('uses the caller’s idempotency key, and a new one for each call that names none', async () => {
		run([json(200, consumed), json(200, consumed), json(200, consumed)]);
		const q = client();
		await q.consume({ feature: 'ai_bots', units: 1 }, { idempotencyKey: 'order-42' });
		await q.consume({ feature: 'ai_bots', units: 1 });
		await q.consume({ feature: 'ai_bots', units: 1 });
		expect(seen[0]!.key).toBe('order-42');
		expect(seen[1]!.key).not.toBe(seen[2]!.key);
	});

	it('never retries a refusal: a 402 is thrown at once as its typed error with the limit message', async () => {
		run([json(402, { error: 'allowance_exhausted', message: 'You have used today’s free chat replies. More tomorrow.' })]);
		const e = await client()
			.consume({ feature: 'ai_bots', units: 1 })
			.catch((err: unknown) => err);
		expect(seen).toHaveLength(1);
		expect(e).toBeInstanceOf(AllowanceExhausted);
		expect(e).toBeInstanceOf(LimitReached);
		expect(e).toMatchObject({ status: 402, code: 'allowance_exhausted', userMessage: 'You have used today’s free chat replies. More tomorrow.' });
		run([json(402, { error: 'insufficient_tokens', message: 'Not enough tokens.' })]);
		await expect(client().hold({ feature: 'ai_bots', max_tokens: 10 })).rejects.toBeInstanceOf(InsufficientTokens);
		run([json(409, { error: 'hold_already_settled', message: 'settled' })]);
		await expect(client().settle('00000000-0000-4000-8000-000000000002', 5)).rejects.toBeInstanceOf(HoldAlreadySettled);
		expect(seen).toHaveLength(1);
	});

	it('gives up within the time budget: the last answer becomes its typed error, no answer a QuotaNetworkError', async () => {
		run(Array(100).fill(json(503, { error: 'unavailable', message: 'down' })));
		const started = Date.now();
		await expect(client({ maxElapsedMs: 400 }).balance()).rejects.toBeInstanceOf(Unavailable);
		expect(Date.now() - started).toBeLessThan(1500);
		expect(seen.length).toBeGreaterThan(1);
		// A Retry-After beyond the budget is not waited for: the refusal comes back at once.
		run([json(429, { error: 'rate_limited', message: 'wait' }, { 'retry-after': '60' })]);
		const e = await client({ maxElapsedMs: 2000 })
			.balance()
			.catch((err: unknown) => err);
		expect(e).toBeInstanceOf(RateLimited);
		expect((e as RateLimited).retryAfterSeconds).toBe(60);
		expect(seen).toHaveLength(1);
		run(Array(100).fill(drop));
		await expect(client({ maxElapsedMs: 300 }).consume({ feature: 'ai_bots', units: 1 })).rejects.toBeInstanceOf(QuotaNetworkError);
		expect(new Set(seen.map((s) => s.key)).size).toBe(1);
	});

	it('an attempt with no answer times out and is retried with the same key', async () => {
		const hang: Reply = () => {};
		run([hang, json(200, consumed)]);
		const r = await client({ attemptTimeoutMs: 200 }).consume({ feature: 'ai_bots', units: 1 });
		expect(r.cost).toBe(10);
		expect(seen).toHaveLength(2);
		expect(seen[1]!.key).toBe(seen[0]!.key);
	});

	it('the caller’s abort is not retried', async () => {
		run([() => {}]);
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 100);
		await expect(client().consume({ feature: 'ai_bots', units: 1 }, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
		expect(seen).toHaveLength(1);
	});
});

describe('SDK server-sent events parser', () => {
	it('reads fields split across chunks and line ends of every kind, keeps the last id, skips comments', async () => {
		const chunks = ['retry: 2500\n\n: keep-alive\r\n\r\nevent: bal', 'ance\nid: a1\ndata: {"x":\ndata: 1}\r', '\n\r\nevent: balance\ndata: 2\n\n'];
		const body = new ReadableStream<Uint8Array>({
			start(c) {
				for (const chunk of chunks) c.enqueue(new TextEncoder().encode(chunk));
				c.close();
			}
		});
		const events = [];
		for await (const e of serverSentEvents(body)) events.push(e);
		expect(events).toEqual([
			{ event: '', data: '', id: null, retry: 2500 },
			{ event: 'balance', data: '{"x":\n1}', id: 'a1', retry: null },
			{ event: 'balance', data: '2', id: 'a1', retry: null }
		]);
	});
});

describe('SDK queries', () => {
	it('refuses an option put in a query (plain JavaScript: stream({ user, signal })), naming it and where it goes, and sends nothing', async () => {
		run([json(200, { success: true })]);
		const quota = client();
		const signal = new AbortController().signal;
		const misplaced = { user: 'wp-42', signal } as unknown as { user: string };
		const words = 'Quota: "signal" is not a query field of this call (text or a number): pass { signal } as the second argument, the options.';
		await expect(quota.balance(misplaced)).rejects.toThrow(new TypeError(words));
		await expect(quota.stream(misplaced).next()).rejects.toThrow(new TypeError(words));
		await expect(quota.usage({ user: 'wp-42', limit: { max: 5 } } as unknown as { user: string }).next()).rejects.toThrow(new TypeError('Quota: "limit" is not a query field of this call (text or a number).'));
		expect(seen).toEqual([]);
	});
});
