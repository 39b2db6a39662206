import type { Db } from '../db';
import { balances } from '../ledger';
import { balanceChanges } from './balance-changes';

const HEARTBEAT_MS = 25_000;
const COALESCE_MS = 100;

/**
 * An SSE stream of one account's balances: the current figures at once, then after every change
 * (bursts coalesced), with a heartbeat so proxies keep the connection open.
 */
export async function balanceStream(db: Db, accountId: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
	const encoder = new TextEncoder();
	let unsubscribe: (() => void) | null = null;
	let heartbeat: ReturnType<typeof setInterval> | undefined;
	let pending: ReturnType<typeof setTimeout> | undefined;
	let closed = false;
	return new ReadableStream<Uint8Array>({
		async start(controller) {
			const close = () => {
				if (closed) return;
				closed = true;
				unsubscribe?.();
				clearInterval(heartbeat);
				clearTimeout(pending);
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
			unsubscribe = await balanceChanges(db).subscribe(accountId, () => {
				pending ??= setTimeout(send, COALESCE_MS);
			});
			heartbeat = setInterval(() => !closed && controller.enqueue(encoder.encode(': keep-alive\n\n')), HEARTBEAT_MS);
			controller.enqueue(encoder.encode('retry: 3000\n\n'));
			await send();
		},
		cancel() {
			closed = true;
			unsubscribe?.();
			clearInterval(heartbeat);
			clearTimeout(pending);
		}
	});
}
