import { createHash } from 'node:crypto';
import type { Db } from '../db';
import { readOne, together } from '../db/reads';
import { balanceChanges, balances, balancesRead, capsInForceRead, type Balances, type CapInForce } from '../ledger';
import { onShutdown } from '../shutdown';

const HEARTBEAT_MS = 25_000;
const COALESCE_MS = 100;

/**
 * The SSE event id of a set of figures: a digest of them, the same in every process. Each event is
 * the whole picture, not a delta, so a client that reconnects with `Last-Event-ID` has missed
 * nothing when the figures still have that id.
 */
export function balanceEventId(figures: unknown): string {
	return createHash('sha256').update(JSON.stringify(figures)).digest('base64url').slice(0, 22);
}

/** What a stream renders: the account's balances and, when asked for (`caps`), the caps in force on it. */
export type LiveFigures = Balances & { caps?: CapInForce[] };

/** The figures of `accountId` a stream sends, in one statement. */
async function liveFigures(db: Db, accountId: string, caps: boolean): Promise<LiveFigures> {
	if (!caps) return balances(db.orm, accountId);
	const f = await readOne(db.orm, together({ balances: balancesRead(accountId), caps: capsInForceRead(accountId) }));
	return { ...f.balances, caps: f.caps };
}

/**
 * An SSE stream of one account's balances: the current figures at once, then after every change
 * (bursts coalesced), with a heartbeat so proxies keep the connection open. It ends when the
 * process shuts down (the client reconnects, to another process). Each event's data is
 * `render(balances)` (the transport's public shape) and its id `balanceEventId` of that; the first
 * event is left out when its id equals `lastEventId` (the `Last-Event-ID` of a reconnect: the
 * client already holds those figures), and so is any event whose figures did not change since the
 * previous one. With `inbox`, an `inbox` event (data `{}`, no id) also comes each time new inbox
 * entries are written for the account's people (alerts, notices), which change no figure. With
 * `caps`, the caps in force on the account (quota_account_caps: its own, its members', the site's
 * defaults) are among the figures `render` gets, so a cap set or changed sends an event as a spend
 * does (the app's pages show the cap that binds their user). With `watch` (every stream: a key, an
 * embed token or a signed-in session opened it), the stream also ends as soon as what let it open
 * no longer does: `watch` calls back with the refusal the next request would get, which comes as a
 * last `refused` event (data: the refusal's JSON body) before the end, so the client stops instead
 * of reconnecting.
 */
export async function balanceStream(
	db: Db,
	accountId: string,
	signal: AbortSignal,
	opts: {
		/** May read more of the account (the widget's stream adds its recent use and purchases): each event then has it with the figures. */
		render: (f: LiveFigures) => unknown | Promise<unknown>;
		lastEventId?: string | null;
		inbox?: boolean;
		caps?: boolean;
		/** Calls `refuse` once if the stream's authority ends; resolves to the function that stops watching. */
		watch?: (refuse: (refusal: unknown) => void) => Promise<() => void>;
	}
): Promise<ReadableStream<Uint8Array>> {
	const encoder = new TextEncoder();
	let unsubscribe: (() => void) | null = null;
	let unwatch: (() => void) | null = null;
	let offShutdown: (() => void) | null = null;
	let heartbeat: ReturnType<typeof setInterval> | undefined;
	let pending: ReturnType<typeof setTimeout> | undefined;
	let closed = false;
	let lastSent = opts.lastEventId ?? null;
	/** Stops everything this stream started; safe to call more than once, and before `start` is done. */
	const stop = () => {
		closed = true;
		unsubscribe?.();
		unwatch?.();
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
					const data = await opts.render(await liveFigures(db, accountId, opts.caps ?? false));
					const id = balanceEventId(data);
					if (id === lastSent) return;
					lastSent = id;
					controller.enqueue(encoder.encode(`event: balance\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`));
				} catch {
					close();
				}
			};
			const refuse = (refusal: unknown) => {
				if (closed) return;
				controller.enqueue(encoder.encode(`event: refused\ndata: ${JSON.stringify(refusal)}\n\n`));
				close();
			};
			signal.addEventListener('abort', close);
			offShutdown = onShutdown(close);
			unsubscribe = await balanceChanges(db).subscribe(accountId, (kind) => {
				if (kind === 'balance') pending ??= setTimeout(send, COALESCE_MS);
				else if (opts.inbox && !closed) controller.enqueue(encoder.encode('event: inbox\ndata: {}\n\n'));
			});
			// Watched before the first figures: none go out once the authority has ended.
			unwatch = (await opts.watch?.(refuse)) ?? null;
			// Closed (client gone, shutdown, refused) while subscribing: nothing may outlive the stream.
			if (closed) return stop();
			heartbeat = setInterval(() => !closed && controller.enqueue(encoder.encode(': keep-alive\n\n')), HEARTBEAT_MS);
			controller.enqueue(encoder.encode('retry: 3000\n\n'));
			await send();
		},
		cancel: stop
	});
}
