// A request that gets no answer fails after a while, as the network failing, instead of holding up
// what waits on it (the shared refresh, the outbox's flush).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { timedFetch } from '../../src/lib/client/timed-fetch';
import { unanswered } from '../helpers/browser';

/** fetch on a network that carries nothing. */
const silentNetwork = (_: RequestInfo | URL, init?: RequestInit) => unanswered(init);

afterEach(() => {
	vi.useRealTimers();
	vi.unstubAllGlobals();
});

describe('timedFetch', () => {
	it('fails a request with no answer as aborted once its time is up, not before', async () => {
		vi.useFakeTimers();
		vi.stubGlobal('fetch', silentNetwork);
		let outcome: unknown = 'waiting';
		timedFetch('/trpc/ledger.dashboard', {}, 20_000).catch((e: DOMException) => (outcome = e.name));
		await vi.advanceTimersByTimeAsync(19_999);
		expect(outcome).toBe('waiting');
		await vi.advanceTimersByTimeAsync(1);
		expect(outcome).toBe('AbortError');
	});

	it('passes an answer through unchanged', async () => {
		vi.stubGlobal('fetch', async () => Response.json({ ok: 1 }, { status: 201 }));
		const res = await timedFetch('/x');
		expect([res.status, await res.json()]).toEqual([201, { ok: 1 }]);
	});

	it("still ends when the caller aborts, or had aborted, with the caller's reason", async () => {
		vi.stubGlobal('fetch', silentNetwork);
		const caller = new AbortController();
		const request = timedFetch('/x', { signal: caller.signal });
		caller.abort(new Error('left the page'));
		await expect(request).rejects.toThrow('left the page');
		await expect(timedFetch('/x', { signal: AbortSignal.abort(new Error('already gone')) })).rejects.toThrow('already gone');
	});
});
