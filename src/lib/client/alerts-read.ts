// Marking alerts read, on the alerts page: at once on this device, sent through the outbox, so it
// also works offline. Tested with the unread count in alerts.svelte.test.ts.
import type { Live } from './live.svelte';
import { queueAndSync } from './sync.svelte';
import type { Inbox } from './api-types';

export const MARK_READ_PATH = 'alerts.markRead';

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
