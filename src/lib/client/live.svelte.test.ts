// @vitest-environment browser-state
// A piece of server data as a page shows it: the device's saved copy at once, then the server's
// answer (saved again), its age and why it is not fresh when a refresh fails.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { live, settled } from './live.svelte';
import { refreshAll, startAutoRefresh } from './refresh.svelte';
import { session } from './session.svelte';
import { trpc } from './trpc';
import { REQUEST_TIMEOUT_MS } from './timed-fetch';
import { readSnapshot, wipeDevice, writeSnapshot } from './storage';
import { fakeBrowser, Refusal } from '../../../tests/helpers/browser';
import { mounted } from '../../../tests/helpers/component.svelte';
import { navigations } from '../../../tests/helpers/app-navigation';

const ada = { id: 'u-ada', name: 'Ada' };

/** A server whose answers the test gives one by one, in any order. */
function server<T>() {
	const waiting: { resolve: (v: T) => void; reject: (e: unknown) => void }[] = [];
	return {
		fetch: () => new Promise<T>((resolve, reject) => void waiting.push({ resolve, reject })),
		answer: (i: number, v: T) => waiting[i]!.resolve(v),
		fail: (i: number, e: unknown) => waiting[i]!.reject(e),
		get asked() {
			return waiting.length;
		}
	};
}

let unmount = () => {};
let browser: ReturnType<typeof fakeBrowser>;
beforeEach(async () => {
	browser = fakeBrowser();
	await wipeDevice();
	session.user = ada;
	navigations.length = 0;
});
afterEach(() => {
	unmount();
	unmount = () => {};
	vi.unstubAllGlobals();
});

function show<T>(key: () => string | null, fetch: () => Promise<T>) {
	const m = mounted(() => live(key, fetch));
	unmount = m.unmount;
	return m.value;
}

describe('live data on a page', () => {
	it("shows the device's saved copy and its age at once, then the server's answer, which it saves", async () => {
		await writeSnapshot(ada.id, 'balance', { tokens: 10 }, 1_000);
		const s = server<{ tokens: number }>();
		const balance = show(() => 'balance', s.fetch);
		await vi.waitFor(() => expect([balance.data, balance.updatedAt]).toEqual([{ tokens: 10 }, 1_000]));
		s.answer(0, { tokens: 7 });
		await vi.waitFor(() => expect(balance.status).toBe('fresh'));
		expect(balance.data).toEqual({ tokens: 7 });
		expect(balance.updatedAt).toBeGreaterThan(1_000);
		await vi.waitFor(async () => expect((await readSnapshot(ada.id, 'balance'))?.data).toEqual({ tokens: 7 }));
	});

	it('keeps what it shows and says it is offline when a refresh gets no answer, until one does', async () => {
		const s = server<{ tokens: number }>();
		const balance = show(() => 'balance', s.fetch);
		expect(balance.status).toBe('loading'); // nothing to show yet
		s.answer(0, { tokens: 7 });
		await vi.waitFor(() => expect(balance.status).toBe('fresh'));
		const at = balance.updatedAt;
		const refreshing = refreshAll();
		s.fail(1, new TypeError('Failed to fetch'));
		await refreshing;
		expect([balance.data, balance.updatedAt, balance.status, balance.error]).toEqual([{ tokens: 7 }, at, 'offline', 'You are offline. Try again when you have a connection.']);
		const again = balance.refresh();
		s.answer(2, { tokens: 6 });
		await again;
		expect([balance.data, balance.status, balance.error]).toEqual([{ tokens: 6 }, 'fresh', null]);
	});

	it('says it has nothing to show, not that it is loading, once the device has no copy and the request failed; an answer ends it', async () => {
		const s = server<{ tokens: number }>();
		const balance = show(() => 'balance', s.fetch);
		// Settled (a block sized by the data may be laid out) only once there is an answer, or none coming.
		expect([balance.status, balance.unavailable, settled(balance)]).toEqual(['loading', false, false]);
		s.fail(0, new TypeError('Failed to fetch'));
		await vi.waitFor(() => expect(balance.unavailable).toBe(true));
		expect([balance.status, balance.data, settled(balance)]).toEqual(['offline', undefined, true]);
		const again = balance.refresh();
		expect(balance.unavailable).toBe(true); // trying again changes nothing until an answer comes
		s.answer(1, { tokens: 7 });
		await again;
		expect([balance.unavailable, balance.data, settled(balance)]).toEqual([false, { tokens: 7 }, true]);
	});

	it('does not say so before the device was read: its copy, found after the request failed, shows', async () => {
		await writeSnapshot(ada.id, 'balance', { tokens: 10 }, 1_000);
		const m = mounted(() => {
			const balance = live(() => 'balance', () => Promise.reject(new TypeError('Failed to fetch')));
			const seen: boolean[] = []; // every value the page would have shown
			$effect(() => void seen.push(balance.unavailable));
			return { balance, seen };
		});
		unmount = m.unmount;
		const { balance, seen } = m.value;
		await vi.waitFor(() => expect([balance.data, balance.status]).toEqual([{ tokens: 10 }, 'offline']));
		expect(seen).not.toContain(true);
	});

	it("says so on the server's error too, and when nobody was ever signed in on this offline device", async () => {
		browser.server.answers['alerts.unread'] = () => {
			throw new Refusal('INTERNAL_SERVER_ERROR', 503, 'Quota cannot reach its database at the moment.');
		};
		const unread = show(() => 'alerts-unread', () => trpc().alerts.unread.query());
		await vi.waitFor(() => expect(unread.unavailable).toBe(true));
		expect([unread.status, unread.error]).toEqual(['error', 'Quota cannot reach its database at the moment.']);
		unmount();
		session.user = null;
		session.status = 'no-data';
		try {
			const none = show(() => 'alerts-unread', () => trpc().alerts.unread.query());
			expect([none.status, none.unavailable]).toEqual(['waiting', true]);
		} finally {
			session.status = 'starting';
		}
	});

	it("drops a late answer to an earlier request, and a request's answer from before the page's own write", async () => {
		const s = server<number>();
		const count = show(() => 'count', s.fetch);
		const second = count.refresh();
		s.answer(1, 2);
		await second;
		s.answer(0, 1); // the first request's answer comes last: it is older than what is shown
		await new Promise((r) => setTimeout(r, 0));
		expect(count.data).toBe(2);
		const third = count.refresh();
		count.set(5); // e.g. a mutation's answer
		s.answer(2, 3);
		await third;
		expect([count.data, count.status]).toEqual([5, 'fresh']);
	});

	it("starts over for another key: the previous key's data and late answers are not shown", async () => {
		await writeSnapshot(ada.id, 'account:b', 'saved b', 1_000);
		let key = $state('account:a');
		const s = server<string>();
		const account = show(() => key, s.fetch);
		key = 'account:b';
		flushSync();
		expect([account.key, account.data]).toEqual(['account:b', undefined]);
		s.answer(0, 'answer for a');
		await vi.waitFor(() => expect(account.data).toBe('saved b'));
		s.answer(1, 'answer for b');
		await vi.waitFor(() => expect(account.data).toBe('answer for b'));
	});

	it('waits for the signed-in user and the key before asking', async () => {
		session.user = null;
		const s = server<number>();
		const count = show(() => null, s.fetch);
		await count.refresh();
		expect([s.asked, count.status, count.key]).toEqual([0, 'waiting', null]);
	});

	it('ends the session when the server says it is gone', async () => {
		browser.server.answers['alerts.unread'] = () => {
			throw new Refusal('UNAUTHORIZED', 401, 'Sign in to continue.');
		};
		const unread = show(() => 'alerts-unread', () => trpc().alerts.unread.query());
		await vi.waitFor(() => expect(navigations.map((n) => n.url)).toEqual(['/signin?next=%2Fdashboard']));
		expect([session.user, unread.data]).toEqual([null, undefined]);
	});

	it('on a network that carries nothing, says offline after 20 s and lets the next refresh through, which shows the answer', async () => {
		browser.server.answers['alerts.unread'] = () => 3;
		const unread = show(() => 'alerts-unread', () => trpc().alerts.unread.query());
		await vi.waitFor(() => expect(unread.data).toBe(3));
		browser.server.answers['alerts.unread'] = () => 4;
		browser.server.silent = true; // navigator.onLine stays true
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		try {
			let done = false;
			const refreshing = refreshAll().finally(() => (done = true));
			for (let s = 0; !done && s <= REQUEST_TIMEOUT_MS / 1000 + 5; s++) await vi.advanceTimersByTimeAsync(1000);
			await refreshing;
		} finally {
			vi.useRealTimers();
		}
		expect([unread.status, unread.data]).toEqual(['offline', 3]);
		browser.server.silent = false;
		await refreshAll(); // not the hung one: it ended
		expect([unread.status, unread.data]).toEqual(['fresh', 4]);
	});

	it('says offline as soon as the connection goes while a refresh waits for an answer, not when that request gives up', async () => {
		// Nothing saved on this device, and a refresh under way on a slow network (a loaded phone, a
		// weak signal): the connection then drops. The page said "Refreshing" until the request gave up.
		browser.server.silent = true;
		const stop = startAutoRefresh(() => {});
		try {
			const catalog = show(() => 'catalog', () => trpc().ledger.catalog.query());
			await vi.waitFor(() => expect(catalog.status).toBe('loading'));
			void refreshAll(); // e.g. the 30-second one, or the page shown again
			await new Promise((resolve) => setTimeout(resolve, 10));
			browser.setOnline(false);
			await vi.waitFor(() => expect([catalog.status, catalog.error]).toEqual(['offline', 'You are offline. Try again when you have a connection.']), { timeout: 2_000 });
			expect(catalog.unavailable).toBe(true); // the page says it has nothing saved, with no skeletons
		} finally {
			stop();
		}
	});

	it('saves nothing for a user who has signed out meanwhile', async () => {
		const s = server<number>();
		const count = show(() => 'count', s.fetch);
		s.answer(0, 1);
		await new Promise((r) => setTimeout(r, 0)); // the answer is shown; its save waits a task after it
		expect(count.data).toBe(1);
		session.user = null;
		await new Promise((r) => setTimeout(r, 20));
		expect(await readSnapshot(ada.id, 'count')).toBeUndefined();
	});

	it('is refreshed with the page until the page is left', async () => {
		let asked = 0;
		show(() => 'count', async () => ++asked);
		await refreshAll();
		expect(asked).toBe(2); // the first load, then the page's refresh
		unmount();
		await refreshAll();
		expect(asked).toBe(2);
	});
});
