// @vitest-environment browser-state
// The alerts inbox as the pages see it: the header's unread count, and marking alerts read, at
// once on this device (offline too) and then on the server through the outbox.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { provideAlerts } from './alerts.svelte';
import { MARK_READ_PATH, markRead } from './alerts-read';
import { live } from './live.svelte';
import { session } from './session.svelte';
import { outbox } from './sync.svelte';
import { readSnapshot, wipeDevice } from './storage';
import { trpc } from './trpc';
import type { Inbox } from './api-types';
import { fakeBrowser } from '../../../tests/helpers/browser';
import { mounted } from '../../../tests/helpers/component.svelte';

const ada = { id: 'u-ada', name: 'Ada' };
const entry = (id: number, readAt: string | null) => ({ id, readAt }) as Inbox['entries'][number];
const shown: Inbox = { entries: [entry(3, null), entry(2, '2026-11-01T08:00:00.000Z'), entry(1, null)], unread: 2 };

let browser: ReturnType<typeof fakeBrowser>;
let unmount = () => {};
beforeEach(async () => {
	browser = fakeBrowser();
	await wipeDevice();
	session.user = ada;
	Object.assign(outbox, { pending: [], rejected: [] });
	// The server's inbox, which a mark-read changes as the real one does.
	let held = structuredClone(shown);
	browser.server.answers['alerts.list'] = () => held;
	browser.server.answers['alerts.unread'] = () => ({ unread: held.unread });
	browser.server.answers[MARK_READ_PATH] = (input) => {
		const which = input as { ids?: number[]; upTo?: number };
		const marks = (id: number) => which.ids?.includes(id) ?? id <= which.upTo!;
		const entries = held.entries.map((e) => (e.readAt === null && marks(e.id) ? { ...e, readAt: '2026-11-02T08:00:00.000Z' } : e));
		held = { entries, unread: entries.filter((e) => e.readAt === null).length };
		return { unread: held.unread };
	};
});
afterEach(() => {
	unmount();
	vi.unstubAllGlobals();
});

/** The layout's badge and the alerts page's inbox, loaded. */
async function alertsPage() {
	const m = mounted(() => ({ ...provideAlerts(), inbox: live<Inbox>(() => 'alerts-inbox', () => trpc().alerts.list.query()) }));
	unmount = m.unmount;
	await vi.waitFor(() => expect([m.value.inbox.status, m.value.unread.status]).toEqual(['fresh', 'fresh']));
	return m.value;
}

const readIds = (inbox: Inbox | undefined) => inbox?.entries.filter((e) => e.readAt !== null).map((e) => e.id);

describe('the alerts inbox', () => {
	it("shows the server's unread count in the header", async () => {
		const { unread } = await alertsPage();
		expect(unread.data).toEqual({ unread: 2 });
	});

	it('marks one alert read at once, offline too, keeps it so on the device, and tells the server when it can', async () => {
		const { inbox, unread } = await alertsPage();
		browser.setOnline(false);
		await markRead(inbox, unread, { ids: [3] });
		expect([readIds(inbox.data), inbox.data?.unread, unread.data]).toEqual([[3, 2], 1, { unread: 1 }]);
		expect(outbox.pending.map((w) => [w.path, w.input, w.label])).toEqual([[MARK_READ_PATH, { ids: [3] }, 'Alert marked read']]);
		// Each snapshot is written on its own (IndexedDB): wait for both, not for one and then read the other.
		await vi.waitFor(async () => expect((await readSnapshot<Inbox>(ada.id, 'alerts-inbox'))?.data.unread).toBe(1));
		await vi.waitFor(async () => expect((await readSnapshot(ada.id, 'alerts-unread'))?.data).toEqual({ unread: 1 }));
	});

	it('"mark all read" marks the list seen (up to its newest), counting an already read one once', async () => {
		const { inbox, unread } = await alertsPage();
		await markRead(inbox, unread, { upTo: 3 });
		expect([readIds(inbox.data), unread.data?.unread]).toEqual([[3, 2, 1], 0]);
		expect(browser.server.calls.filter((c) => c.path === MARK_READ_PATH).map((c) => c.input)).toEqual([{ upTo: 3, key: expect.any(String) }]);
		await markRead(inbox, unread, { ids: [3] }); // a second tap: still none unread, never below
		expect(unread.data?.unread).toBe(0);
	});
});
