// Sending the writes made offline, which wait in the user's IndexedDB (storage.ts, `queueWrite`)
// with a key made on the device, when the connection is back: by the page on `online`/`visibilitychange` (iOS has no
// Background Sync) and by the service worker's `sync` event where it exists. Both run this code;
// a Web Lock keeps them from sending at the same time, and the server applies each key once.
import { deviceUser, pendingWrites, SYNC_TAG, userDb, type QueuedWrite } from './storage';
import { timedFetch } from './timed-fetch';

/**
 * What the service worker's background sync tells the open pages after it sent or dropped writes:
 * a page that did not see the connection come back (navigator.onLine can stay true on a network
 * that carries nothing) would otherwise go on saying "will sync" about writes already applied.
 */
export interface OutboxFlushed {
	type: 'outbox-flushed';
	sent: number;
	rejected: { label: string; message: string }[];
}

export interface FlushResult {
	sent: number;
	/** Writes the server refused for good (e.g. a team left since); they were dropped. */
	rejected: { write: QueuedWrite; message: string }[];
	/** Still waiting: offline, signed out, or the server is down. */
	waiting: number;
}

/** What a flush did, as `OutboxFlushed` words it for the pages (the service worker sends it; a page's own flush reads it too). */
export function flushedReport(r: FlushResult): OutboxFlushed {
	return { type: 'outbox-flushed', sent: r.sent, rejected: r.rejected.map((x) => ({ label: x.write.label, message: x.message })) };
}

type Outcome = { kind: 'sent' } | { kind: 'rejected'; message: string } | { kind: 'retry' };

/** One non-batched tRPC mutation over plain fetch (the service worker has no tRPC client). */
async function send(write: QueuedWrite): Promise<Outcome> {
	let res: Response;
	try {
		res = await timedFetch(`/trpc/${write.path}`, {
			method: 'POST',
			credentials: 'same-origin',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ ...(write.input as object), key: write.key })
		});
	} catch {
		return { kind: 'retry' };
	}
	// A refused mutation is answered 200 with its refusal in the body (trpc/response-meta.ts): the body says.
	const body = (await res.json().catch(() => null)) as { error?: { message?: string; data?: { httpStatus?: number } } } | null;
	if (res.ok && !body?.error) return { kind: 'sent' };
	const status = body?.error?.data?.httpStatus ?? res.status;
	// Signed out, rate limited or a server fault: keep it for later.
	if (status === 401 || status === 429 || status >= 500) return { kind: 'retry' };
	return { kind: 'rejected', message: body?.error?.message ?? `Refused (${status})` };
}

async function flushUnlocked(userId: string): Promise<FlushResult> {
	const result: FlushResult = { sent: 0, rejected: [], waiting: 0 };
	const writes = await pendingWrites(userId);
	for (const [i, write] of writes.entries()) {
		const outcome = await send(write);
		if (outcome.kind === 'retry') {
			result.waiting = writes.length - i;
			break;
		}
		await (await userDb(userId)).delete('outbox', write.key);
		if (outcome.kind === 'sent') result.sent++;
		else result.rejected.push({ write, message: outcome.message });
	}
	return result;
}

/** Sends the queued writes of the device's user, oldest first, stopping at the first that must wait. */
export async function flushOutbox(userId?: string): Promise<FlushResult> {
	const id = userId ?? (await deviceUser())?.id;
	if (!id) return { sent: 0, rejected: [], waiting: 0 };
	if (typeof navigator !== 'undefined' && navigator.locks) {
		return navigator.locks.request(SYNC_TAG, () => flushUnlocked(id));
	}
	return flushUnlocked(id);
}
