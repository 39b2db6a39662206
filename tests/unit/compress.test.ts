import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import type { RequestEvent } from '@sveltejs/kit';
import { compressJson } from '../../src/lib/server/http/compress';

const big = { rows: Array.from({ length: 60 }, (_, i) => ({ id: i, feature: 'chatbot-reply', tokens: 250 * i, at: '2026-11-29T10:00:00Z' })) };

/** What the handle sends for a request with `acceptEncoding` whose answer is `answer`. */
async function send(answer: Response, acceptEncoding: string | null, isSubRequest = false) {
	const headers: Record<string, string> = acceptEncoding === null ? {} : { 'accept-encoding': acceptEncoding };
	const event = { request: new Request('http://quota.test/trpc/ledger.history', { headers }), isSubRequest } as unknown as RequestEvent;
	return compressJson({ event, resolve: async () => answer });
}

const json = (body: unknown, init?: ResponseInit) => new Response(JSON.stringify(body), { ...init, headers: { 'content-type': 'application/json', ...init?.headers } });

describe('JSON answers', () => {
	it('go out gzipped to a client that takes gzip, with the same status, headers and JSON', async () => {
		const res = await send(json(big, { status: 207, headers: { 'cache-control': 'no-store' } }), 'gzip, deflate, br');
		expect(res.status).toBe(207);
		expect(res.headers.get('content-encoding')).toBe('gzip');
		expect(res.headers.get('vary')).toBe('Accept-Encoding');
		expect(res.headers.get('cache-control')).toBe('no-store');
		const bytes = Buffer.from(await res.arrayBuffer());
		expect(bytes.length).toBeLessThan(JSON.stringify(big).length / 3);
		expect(JSON.parse(gunzipSync(bytes).toString())).toEqual(big);
	});

	it('go out as they are to a client that does not take gzip', async () => {
		for (const accept of [null, 'br', 'identity', 'gzip;q=0', 'gzip; q=0.0, br']) {
			const res = await send(json(big), accept);
			expect(res.headers.get('content-encoding'), String(accept)).toBeNull();
			expect(await res.json()).toEqual(big);
		}
		expect((await send(json(big), '*')).headers.get('content-encoding')).toBe('gzip');
		expect((await send(json(big), 'GZIP;q=0.5')).headers.get('content-encoding')).toBe('gzip');
	});

	it('small ones (a consume’s answer), streams, pages and the server’s own sub-requests are left alone', async () => {
		const small = await send(json({ ok: true, balance: 12 }), 'gzip');
		expect(small.headers.get('content-encoding')).toBeNull();
		expect(await small.json()).toEqual({ ok: true, balance: 12 });

		const stream = new Response('data: {}\n\n', { headers: { 'content-type': 'text/event-stream' } });
		expect(await send(stream, 'gzip')).toBe(stream);
		const page = new Response('<p>'.repeat(2000), { headers: { 'content-type': 'text/html' } });
		expect(await send(page, 'gzip')).toBe(page);
		const inner = json(big);
		expect(await send(inner, 'gzip', true)).toBe(inner);
		const empty = new Response(null, { status: 204, headers: { 'content-type': 'application/json' } });
		expect(await send(empty, 'gzip')).toBe(empty);
	});
});
