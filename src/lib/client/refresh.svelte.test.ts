// When the page's data is refreshed: every 30 s while it is visible (every 10 s while requests go
// unanswered), at once when it is shown again, when the connection comes back or goes, or when a
// request is answered after one was not; on the live stream's events, and after a write.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUTO_REFRESH_MS, clock, onRefresh, openStream, refreshAll, RETRY_MS, startAutoRefresh } from './refresh.svelte';
import { link, timedFetch } from './timed-fetch';
import { fakeBrowser } from '../../../tests/helpers/browser';

/** A resource that counts its refreshes; each takes `ms` (none: it answers at once, fake timers or not). */
function resource(ms = 0) {
	const r = { refreshes: 0, stop: () => {} };
	r.stop = onRefresh(async () => {
		r.refreshes++;
		if (ms) await new Promise((done) => setTimeout(done, ms));
	});
	return r;
}

/** A resource that asks the server, as every request does (timedFetch); a refusal is an answer too. */
function asking() {
	const r = { refreshes: 0, stop: () => {} };
	r.stop = onRefresh(async () => {
		r.refreshes++;
		await timedFetch('/trpc/ping').catch(() => {});
	});
	return r;
}

let stops: (() => void)[] = [];
afterEach(() => {
	for (const stop of stops) stop();
	stops = [];
	vi.useRealTimers();
	vi.unstubAllGlobals();
});

describe('refreshing what the page shows', () => {
	it('refreshes every registered resource once, however many ask while it runs', async () => {
		const a = resource(5);
		const b = resource(5);
		const gone = resource();
		stops.push(a.stop, b.stop);
		gone.stop();
		await Promise.all([refreshAll(), refreshAll()]);
		expect([a.refreshes, b.refreshes, gone.refreshes]).toEqual([1, 1, 0]);
	});

	it('after a write, runs again once the refresh under way (asked before the write) is done', async () => {
		const a = resource(5);
		stops.push(a.stop);
		const before = refreshAll();
		await refreshAll({ afterWrite: true });
		await before;
		expect(a.refreshes).toBe(2);
	});
});

describe('the automatic refresh', () => {
	let browser: ReturnType<typeof fakeBrowser>;
	let reconnects = 0;
	beforeEach(() => {
		vi.useFakeTimers();
		browser = fakeBrowser();
		link.down = false;
		reconnects = 0;
		stops.push(startAutoRefresh(() => reconnects++));
	});

	it('every 30 s while the page is visible: refreshes, sends waiting writes and moves the clock', async () => {
		const a = resource();
		stops.push(a.stop);
		await vi.advanceTimersByTimeAsync(AUTO_REFRESH_MS - RETRY_MS);
		expect(a.refreshes).toBe(0); // nothing went unanswered: nothing to try again
		await vi.advanceTimersByTimeAsync(RETRY_MS);
		expect([a.refreshes, reconnects]).toEqual([1, 1]);
		expect(clock.now).toBe(Date.now());
		browser.setVisible(false);
		await vi.advanceTimersByTimeAsync(AUTO_REFRESH_MS);
		expect(a.refreshes).toBe(1);
		browser.setVisible(true); // shown again: at once
		expect([a.refreshes, reconnects]).toEqual([2, 2]);
	});

	it('when the connection goes or comes back: refreshes and sends waiting writes at once', async () => {
		const a = resource();
		stops.push(a.stop);
		browser.setOnline(false); // its requests fail at once: the page says it is offline now, not at the next tick
		await vi.advanceTimersByTimeAsync(0);
		browser.setOnline(true);
		expect([a.refreshes, reconnects]).toEqual([2, 2]);
	});

	it('while requests go unanswered, tries again every 10 s without an `online` event, then every 30 s once one is answered', async () => {
		const a = asking();
		stops.push(a.stop);
		browser.server.up = false; // the connection is gone and the browser says nothing (navigator.onLine stays true)
		await refreshAll();
		await vi.advanceTimersByTimeAsync(2 * RETRY_MS);
		expect([a.refreshes, reconnects, link.down]).toEqual([3, 2, true]);
		browser.server.up = true;
		await vi.advanceTimersByTimeAsync(RETRY_MS);
		expect([a.refreshes, link.down]).toEqual([4, false]);
		await vi.advanceTimersByTimeAsync(AUTO_REFRESH_MS - RETRY_MS);
		expect(a.refreshes).toBe(4);
		await vi.advanceTimersByTimeAsync(RETRY_MS);
		expect(a.refreshes).toBe(5);
	});

	it('refreshes everything at once when any request is answered after one was not (no `online` event, no tap)', async () => {
		const a = asking();
		stops.push(a.stop);
		browser.server.up = false;
		await refreshAll();
		expect(link.down).toBe(true);
		browser.server.up = true;
		await timedFetch('/trpc/ledger.preview'); // e.g. the playground's cost, asked as the user types
		expect([a.refreshes, reconnects, link.down]).toEqual([2, 1, false]);
		await timedFetch('/trpc/ledger.preview'); // answered while the way was up: nothing more
		expect([a.refreshes, reconnects]).toEqual([2, 1]);
	});

	it('stops when the page is left', async () => {
		const a = asking();
		stops.push(a.stop);
		stops.shift()!(); // startAutoRefresh's stop
		browser.server.up = false;
		await refreshAll();
		await vi.advanceTimersByTimeAsync(AUTO_REFRESH_MS);
		browser.server.up = true;
		await timedFetch('/trpc/ledger.preview');
		browser.setVisible(true);
		browser.setOnline(true);
		expect([a.refreshes, reconnects]).toEqual([1, 0]);
	});
});

/** EventSource as the page uses it: named events from one URL, until closed. */
class FakeEventSource extends EventTarget {
	static opened: FakeEventSource[] = [];
	closed = false;
	constructor(readonly url: string) {
		super();
		FakeEventSource.opened.push(this);
	}
	close() {
		this.closed = true;
	}
	emit(type: string) {
		if (!this.closed) this.dispatchEvent(new MessageEvent(type, { data: '{}' }));
	}
}

describe("the account's live stream", () => {
	beforeEach(() => {
		vi.useFakeTimers();
		FakeEventSource.opened = [];
		vi.stubGlobal('EventSource', FakeEventSource);
	});

	it('refreshes once shortly after a change (not on the first balance, which repeats what was loaded) or a new alert', async () => {
		const a = resource();
		stops.push(a.stop, openStream('acc/1'));
		const stream = FakeEventSource.opened[0]!;
		expect(stream.url).toBe('/api/v1/stream?account=acc%2F1');
		stream.emit('balance');
		await vi.advanceTimersByTimeAsync(1_000);
		expect(a.refreshes).toBe(0);
		stream.emit('balance');
		stream.emit('inbox');
		await vi.advanceTimersByTimeAsync(1_000);
		expect(a.refreshes).toBe(1);
	});

	it('closes, and drops a refresh still pending, when the account changes or the page is left', async () => {
		const a = resource();
		stops.push(a.stop);
		const close = openStream('acc-1');
		FakeEventSource.opened[0]!.emit('inbox');
		close();
		await vi.advanceTimersByTimeAsync(1_000);
		expect([FakeEventSource.opened[0]!.closed, a.refreshes]).toEqual([true, 0]);
	});

	it('refreshes at once on a refused event (the session ended, or its access to the account), so the pages meet the refusal', async () => {
		const a = resource();
		stops.push(a.stop, openStream('acc-1'));
		const stream = FakeEventSource.opened[0]!;
		stream.emit('balance');
		stream.emit('refused');
		await vi.advanceTimersByTimeAsync(1_000);
		expect(a.refreshes).toBe(1);
	});

	it('is skipped where the browser has no EventSource (the 30-second refresh carries on alone)', () => {
		vi.stubGlobal('EventSource', undefined);
		expect(() => openStream('acc-1')()).not.toThrow();
	});
});
