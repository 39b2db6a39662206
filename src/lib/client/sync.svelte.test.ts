// Writes made on this device: sent at once when possible, otherwise shown as waiting ("will sync")
// and sent when the connection is back; a write the server refused is said so and dropped.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { listenForBackgroundSync, loadOutbox, outbox, queueAndSync, syncNow } from './sync.svelte';
import { onRefresh } from './refresh.svelte';
import { session } from './session.svelte';
import { SYNC_TAG, wipeDevice } from './storage';
import { flushedReport, flushOutbox } from './outbox';
import { REQUEST_TIMEOUT_MS } from './timed-fetch';
import { fakeBrowser, fakeServiceWorker, Refusal } from '../../../tests/helpers/browser';

const ada = { id: 'u-ada', name: 'Ada' };
let browser: ReturnType<typeof fakeBrowser>;
let worker: ReturnType<typeof fakeServiceWorker>;
let refreshes = 0;
let stops: (() => void)[] = [];

beforeEach(async () => {
	worker = fakeServiceWorker();
	browser = fakeBrowser({ serviceWorker: worker.container });
	await wipeDevice();
	session.user = ada;
	Object.assign(outbox, { pending: [], rejected: [] });
	refreshes = 0;
	stops = [onRefresh(async () => refreshes++)];
	browser.server.answers['settings.update'] = (input) => ({ saved: input });
});
afterEach(() => {
	for (const stop of stops) stop();
	vi.unstubAllGlobals();
});

const change = { changes: { timeZone: 'Europe/Paris' } };

describe('a write from a page', () => {
	it('online, is sent at once with its idempotency key, and the pages read the result', async () => {
		await queueAndSync('settings.update', change, 'Time zone Europe/Paris');
		expect(browser.server.calls).toEqual([{ path: 'settings.update', input: { ...change, key: expect.any(String) } }]);
		expect([outbox.pending, refreshes, worker.registration.syncTags]).toEqual([[], 1, []]);
	});

	it('offline, waits (and says what), asks for Background Sync, and is sent once the connection is back', async () => {
		browser.setOnline(false);
		await queueAndSync('settings.update', change, 'Time zone Europe/Paris');
		expect(outbox.pending.map((w) => [w.path, w.input, w.label])).toEqual([['settings.update', change, 'Time zone Europe/Paris']]);
		expect(worker.registration.syncTags).toEqual([SYNC_TAG]);
		browser.setOnline(true);
		await syncNow();
		expect([outbox.pending, browser.server.calls.length, refreshes]).toEqual([[], 1, 1]);
	});

	it('refused by the server, is dropped and said so with what it was', async () => {
		browser.server.answers['settings.update'] = () => {
			throw new Refusal('FORBIDDEN', 403, 'You left this team.');
		};
		await queueAndSync('settings.update', change, 'Time zone Europe/Paris');
		expect([outbox.pending, outbox.rejected]).toEqual([[], [{ label: 'Time zone Europe/Paris', message: 'You left this team.' }]]);
	});

	it('is refused on the page when no one is signed in', async () => {
		session.user = null;
		await expect(queueAndSync('settings.update', change, 'x')).rejects.toThrow('Not signed in.');
	});
});

describe("the service worker's background sync", () => {
	it('tells the page what it sent or dropped: the page reads the figures, what still waits and the refusals', async () => {
		browser.setOnline(false);
		await queueAndSync('settings.update', change, 'Time zone Europe/Paris');
		stops.push(listenForBackgroundSync());
		browser.server.answers['settings.update'] = () => {
			throw new Refusal('FORBIDDEN', 403, 'You left this team.');
		};
		browser.setOnline(true); // the page did not notice; the worker's sync did
		worker.container.post(flushedReport(await flushOutbox(ada.id)));
		await vi.waitFor(() => expect(outbox.pending).toEqual([]));
		expect([outbox.rejected, refreshes]).toEqual([[{ label: 'Time zone Europe/Paris', message: 'You left this team.' }], 1]);
	});

	it('gives up on a network that carries nothing: the write waits (and says so) instead of holding the sync lock, and goes once answers come', async () => {
		browser.server.silent = true; // navigator.onLine stays true: no offline event comes
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		try {
			let done = false;
			const sending = queueAndSync('settings.update', change, 'Time zone Europe/Paris').finally(() => (done = true));
			// The page's clock moves a second at a time; the request is made after the device stores the write
			// and the sending code has loaded (a task of its own, which each second lets run).
			for (let s = 0; !done && s <= REQUEST_TIMEOUT_MS / 1000 + 5; s++) {
				await new Promise((resolve) => setImmediate(resolve));
				await vi.advanceTimersByTimeAsync(1000);
			}
			await sending;
		} finally {
			vi.useRealTimers();
		}
		expect(outbox.pending.map((w) => w.label)).toEqual(['Time zone Europe/Paris']);
		browser.server.silent = false;
		await syncNow();
		expect([outbox.pending, browser.server.calls.map((c) => c.path)]).toEqual([[], ['settings.update']]); // the silent try never reached it
	});

	it('shows what still waits on this device when the page starts', async () => {
		browser.setOnline(false);
		await queueAndSync('settings.update', change, 'Time zone Europe/Paris');
		outbox.pending = [];
		await loadOutbox();
		expect(outbox.pending.map((w) => w.label)).toEqual(['Time zone Europe/Paris']);
	});
});
