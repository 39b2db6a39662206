// The alerts inbox as every signed-in page sees it: the unread count in the header, and marking
// alerts read (at once on this device; sent through the outbox, so it also works offline).
import { getContext, setContext } from 'svelte';
import { live, type Live } from './live.svelte';
import { queueAndSync } from './sync.svelte';
import { trpc } from './trpc';
import type { Inbox } from './api-types';

export const MARK_READ_PATH = 'alerts.markRead';
export const STEPS_PATH = 'alerts.setSteps';

export interface AlertsContext {
	unread: Live<{ unread: number }>;
}

const KEY = Symbol('quota-alerts');

/** Call in the signed-in layout: the header's unread count, refreshed with the page's figures. */
export function provideAlerts(): AlertsContext {
	const ctx = { unread: live<{ unread: number }>(() => 'alerts-unread', () => trpc().alerts.unread.query()) };
	setContext(KEY, ctx);
	return ctx;
}

export function alertsContext(): AlertsContext {
	return getContext<AlertsContext>(KEY);
}

/**
 * Marks alerts of the shown inbox read: the given ids, or every one up to `upTo` ("mark all
 * read" of the list seen). The inbox and the badge change at once (and stay so offline, in the
 * device's snapshots); the server is told through the outbox.
 */
export function markRead(inbox: Live<Inbox>, unread: Live<{ unread: number }>, which: { ids: number[] } | { upTo: number }) {
	const shown = inbox.data;
	if (!shown) return;
	const readAt = new Date().toISOString();
	const marks = (id: number) => ('ids' in which ? which.ids.includes(id) : id <= which.upTo);
	const newlyRead = shown.entries.filter((e) => e.readAt === null && marks(e.id)).length;
	const left = Math.max(0, shown.unread - newlyRead);
	inbox.set({ entries: shown.entries.map((e) => (e.readAt === null && marks(e.id) ? { ...e, readAt } : e)), unread: left });
	unread.set({ unread: left });
	const label = 'ids' in which ? 'Alert marked read' : 'All alerts marked read';
	return queueAndSync(MARK_READ_PATH, which, label);
}
