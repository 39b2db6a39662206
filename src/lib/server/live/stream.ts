import type { Db } from '../db';
import { balanceChanges, balances } from '../ledger';
import { onShutdown } from '../shutdown';

const HEARTBEAT_MS = 25_000;
const COALESCE_MS = 100;

/**
 * An SSE stream of one account's balances: the current figures at once, then after every change
 * (bursts coalesced), with a heartbeat so proxies keep the connection open. It ends when the
 * process shuts down (the browser's EventSource reconnects, to another process).
 */
export async function balanceStream(db: Db, accountId: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
	const encoder = new TextEncoder();
	let unsubscribe: (() => void) | null = null;
	let offShutdown: (() => void) | null = null;
	let heartbeat: ReturnType<typeof setInterval> | undefined;
	let pending: ReturnType<typeof setTimeout> | undefined;
	let closed = false;
	/** Stops everything this stream started; safe to call more than once, and before `start` is done. */
	const stop = () => {
		closed = true;
		unsubscribe?.();
		offShutdown?.();
		clearInterval(heartbeat);
		clearTimeout(pending);
	};
	return new ReadableStream<Uint8Array>({
		async start(controller) {
			const close = () => {
				if (closed) return;
				stop();
				try {
					controller.close();
				} catch {
					// already closed by the client
				}
			};
			const send = async () => {
				pending = undefined;
				if (closed) return;
				try {
					const b = await balances(db.orm, accountId);
					controller.enqueue(encoder.encode(`event: balance\ndata: ${JSON.stringify(b)}\n\n`));
				} catch {
					close();
				}
			};
			signal.addEventListener('abort', close);
			offShutdown = onShutdown(close);
			unsubscribe = await balanceChanges(db).subscribe(accountId, () => {
				pending ??= setTimeout(send, COALESCE_MS);
			});
			// Closed (client gone, shutdown) while subscribing: nothing may outlive the stream.
			if (closed) return stop();
			heartbeat = setInterval(() => !closed && controller.enqueue(encoder.encode(': keep-alive\n\n')), HEARTBEAT_MS);
			controller.enqueue(encoder.encode('retry: 3000\n\n'));
			await send();
		},
		cancel: stop
	});
}
