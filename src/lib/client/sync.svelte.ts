// The page's view of writes made offline: what still waits ("will sync"), what the server
// refused, and sending them when the connection is back.
import { flushOutbox, pendingWrites, queueWrite } from './outbox';
import { requestBackgroundSync } from './pwa.svelte';
import { refreshAll } from './refresh.svelte';
import { session } from './session.svelte';
import type { QueuedWrite } from './storage';

export const outbox = $state({
	pending: [] as QueuedWrite[],
	rejected: [] as { label: string; message: string }[]
});

async function reload(userId: string) {
	outbox.pending = await pendingWrites(userId);
}

/** Sends what waits (if anything); safe to call often. */
export async function syncNow() {
	const userId = session.user?.id;
	if (!userId) return;
	const result = await flushOutbox(userId);
	if (result.rejected.length) {
		outbox.rejected = [...outbox.rejected, ...result.rejected.map((r) => ({ label: r.write.label, message: r.message }))];
	}
	// The server's figures first, then the overlay of what was waiting goes: dropped before them,
	// the pages would show the figures from before the write for a moment (e.g. the previous pool).
	if (result.sent || result.rejected.length) await refreshAll({ afterWrite: true });
	await reload(userId);
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
