// The page's view of writes made offline: what still waits ("will sync"), what the server
// refused, and sending them when the connection is back.
import type { OutboxFlushed } from './outbox';
import { requestBackgroundSync } from './pwa.svelte';
import { refreshAll } from './refresh.svelte';
import { session } from './session.svelte';
import { pendingWrites, queueWrite, type QueuedWrite } from './storage';

export const outbox = $state({
	pending: [] as QueuedWrite[],
	rejected: [] as { label: string; message: string }[]
});

async function reload(userId: string) {
	outbox.pending = await pendingWrites(userId);
}

/**
 * Sends what waits (if anything); safe to call often. The sending code loads only when something
 * waits: most starts have nothing to send, and it is no part of the signed-in start JS.
 */
export async function syncNow() {
	const userId = session.user?.id;
	if (!userId) return;
	if (!(await pendingWrites(userId)).length) return void (outbox.pending = []);
	const { flushedReport, flushOutbox } = await import('./outbox');
	await settle(userId, flushedReport(await flushOutbox(userId)));
}

/** Takes in what a flush did, here or in the service worker: its refusals, the server's figures, what still waits. */
async function settle(userId: string, { sent, rejected }: OutboxFlushed) {
	if (rejected.length) outbox.rejected = [...outbox.rejected, ...rejected];
	// The server's figures first, then the overlay of what was waiting goes: dropped before them,
	// the pages would show the figures from before the write for a moment (e.g. the previous pool).
	if (sent || rejected.length) await refreshAll({ afterWrite: true });
	await reload(userId);
}

/** Listens for the service worker's background sync (`OutboxFlushed`); returns a function that stops. */
export function listenForBackgroundSync(): () => void {
	if (!('serviceWorker' in navigator)) return () => {};
	const onMessage = (e: MessageEvent) => {
		const data = e.data as OutboxFlushed | undefined;
		const userId = session.user?.id;
		if (data?.type === 'outbox-flushed' && userId) void settle(userId, data);
	};
	navigator.serviceWorker.addEventListener('message', onMessage);
	return () => navigator.serviceWorker.removeEventListener('message', onMessage);
}

/** Queues a write (always, even online: one path), then tries to send it right away. */
export async function queueAndSync(path: string, input: Record<string, unknown>, label: string) {
	const userId = session.user?.id;
	if (!userId) throw new Error('Not signed in.');
	await queueWrite(userId, path, input, label);
	await reload(userId);
	if (navigator.onLine) await syncNow();
	if (outbox.pending.length) await requestBackgroundSync();
}

export async function loadOutbox() {
	if (session.user) await reload(session.user.id);
}
