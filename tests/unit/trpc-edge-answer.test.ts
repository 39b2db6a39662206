// What the app's tRPC calls get when no procedure answers them (an outage before the session was read,
// or the database not answering within API_ANSWER_WITHIN_SECONDS): each call answered as tRPC answers
// one, read by tRPC's own client as the server's words, not as a failed network.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestEvent } from '@sveltejs/kit';
import { createTRPCProxyClient, httpBatchLink, httpLink, TRPCClientError } from '@trpc/client';
import { DatabaseUnreachableError, RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE } from '../../src/lib/server/db/outage';
import { config } from '../../src/lib/server/config';
import { answerCallsWithin, trpcRefusal } from '../../src/lib/server/trpc/edge-answer';
import { toHttpError } from '../../src/lib/server/http/refusals';
import { errorMessage, isNetworkError } from '../../src/lib/client/errors';
import type { AppRouter } from '../../src/lib/server/trpc/router';

/** The app's tRPC client, whose every request is answered `answer(url, method)`. */
const clientAnswered = (answer: (url: URL, method: string) => Response | Promise<Response>, batch = true) =>
	createTRPCProxyClient<AppRouter>({ links: [(batch ? httpBatchLink : httpLink)({ url: 'http://quota.test/trpc', fetch: async (input, init) => answer(new URL(String(input)), init?.method ?? 'GET') })] });

/** The app's failure for a call: as its pages and the outbox read it. */
async function failureOf(call: Promise<unknown>) {
	const e = await call.then(() => null, (e: unknown) => e);
	expect(e).toBeInstanceOf(TRPCClientError);
	return { error: e as TRPCClientError<never>, offline: isNetworkError(e), words: errorMessage(e) };
}

describe('a tRPC request no procedure answered', () => {
	it("is each call of a batch answered 503 with Retry-After, in tRPC's shape, which the client reads as the server's words", async () => {
		const sent: Response[] = [];
		const app = clientAnswered((url) => {
			sent.push(trpcRefusal(url, toHttpError(new DatabaseUnreachableError(), 'a test')));
			return sent.at(-1)!.clone();
		});
		const [a, b] = await Promise.all([failureOf(app.ledger.catalog.query()), failureOf(app.alerts.unread.query())]);
		expect(sent).toHaveLength(1);
		expect(sent[0]!.status).toBe(503);
		expect(sent[0]!.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
		expect(await sent[0]!.json()).toEqual([
			{ error: expect.objectContaining({ message: UNAVAILABLE_MESSAGE, data: expect.objectContaining({ domainCode: 'unavailable', httpStatus: 503, path: 'ledger.catalog' }) }) },
			{ error: expect.objectContaining({ message: UNAVAILABLE_MESSAGE, data: expect.objectContaining({ domainCode: 'unavailable', httpStatus: 503, path: 'alerts.unread' }) }) }
		]);
		for (const f of [a, b]) expect(f).toMatchObject({ offline: false, words: UNAVAILABLE_MESSAGE, error: { data: { domainCode: 'unavailable' } } });
		// One call alone (the outbox's plain fetch, a client without batching) gets one object.
		const one = await failureOf(clientAnswered((url) => trpcRefusal(url, toHttpError(new DatabaseUnreachableError(), 'a test')), false).alerts.markRead.mutate({ upTo: 1 }));
		expect(one).toMatchObject({ offline: false, words: UNAVAILABLE_MESSAGE, error: { data: { path: 'alerts.markRead', httpStatus: 503 } } });
	});

	it('past API_ANSWER_WITHIN_SECONDS: 503 in words that say what became of it, a query apart from a mutation', async () => {
		const hang = () => new Promise<Response>(() => {});
		const answered = (method: string, path: string) =>
			answerCallsWithin({ event: { url: new URL(`http://quota.test${path}`), request: new Request(`http://quota.test${path}`, { method, body: method === 'POST' ? '{}' : undefined }) } as RequestEvent, resolve: hang });
		// Another path is not timed here (REST has its own deadline): its answer is its own, however late.
		const quick = new Response('{}');
		const late = () => new Promise<Response>((r) => setTimeout(() => r(quick), 1_300));
		const started = Date.now();
		const [query, mutation, rest] = await Promise.all([
			answered('GET', '/trpc/ledger.catalog'),
			answered('POST', '/trpc/alerts.markRead'),
			answerCallsWithin({ event: { url: new URL('http://quota.test/api/v1/balance') } as RequestEvent, resolve: late })
		]);
		expect(Date.now() - started).toBeGreaterThanOrEqual(1_250);
		expect(rest).toBe(quick);
		expect([query.status, mutation.status]).toEqual([503, 503]);
		const words = async (r: Response) => ((await r.json()) as { error: { message: string; data: { domainCode: string } } }).error;
		expect(await words(query)).toMatchObject({ message: "Quota's database did not answer within 1 s. Nothing changed: try again in a few seconds.", data: { domainCode: 'unavailable' } });
		expect(await words(mutation)).toMatchObject({
			message: "Quota's database did not answer within 1 s. What you asked may still be done: look again in a few seconds before you ask again.",
			data: { domainCode: 'unavailable' }
		});
		// An answer in time is the answer.
		const inTime = new Response('{}');
		await expect(answerCallsWithin({ event: { url: new URL('http://quota.test/trpc/a.b'), request: new Request('http://quota.test/trpc/a.b') } as RequestEvent, resolve: async () => inTime })).resolves.toBe(inTime);
	});
});

let deadline: number;
beforeAll(() => {
	deadline = config().API_ANSWER_WITHIN_SECONDS;
	config().API_ANSWER_WITHIN_SECONDS = 1;
});
afterAll(() => {
	config().API_ANSWER_WITHIN_SECONDS = deadline;
});
