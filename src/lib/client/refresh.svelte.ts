// When data is refreshed: every 30 s while the page is visible (every 10 s while requests go
// unanswered), at once when it becomes visible again or the connection comes back (an `online`
// event, or the first request answered after one was not), and on every event of the live stream
// (SSE) when the server offers one. Resources register here; the layout starts the timers.
import { link } from './timed-fetch';

type Refresher = () => Promise<unknown>;
const refreshers = new Set<Refresher>();

export const AUTO_REFRESH_MS = 30_000;
/** While requests go unanswered, how often they are tried again. */
export const RETRY_MS = 10_000;

/** A ticking "now" so ages ("updated 3 min ago") and countdowns move without a refresh. */
export const clock = $state({ now: Date.now() });

export function onRefresh(fn: Refresher): () => void {
	refreshers.add(fn);
	return () => refreshers.delete(fn);
}

let running: Promise<unknown> | null = null;

/**
 * Refreshes every registered resource; calls made while one runs share it. `afterWrite`: the
 * caller just changed something on the server, so a run already under way (its requests sent
 * before the change) is not enough: another one follows it. `anew`: the connection went or came
 * back, so the answers a run under way waits for will not come (or no longer tell): one starts at
 * once, whose answers are the ones shown (offline, they fail at once and every page says so).
 */
export function refreshAll(opts: { afterWrite?: boolean; anew?: boolean } = {}): Promise<unknown> {
	if (opts.afterWrite && running) return running.then(() => refreshAll());
	if (!running || opts.anew) {
		const run: Promise<unknown> = Promise.allSettled([...refreshers].map((fn) => fn())).finally(() => running === run && (running = null));
		running = run;
	}
	return running;
}

/**
 * Starts the timers and listeners; returns a function that stops them. `onReconnect` (sending the
 * writes that wait) runs when the connection or the page comes back, and with each refresh: a
 * network that carries nothing can leave navigator.onLine true, and then no `online` event comes.
 * While requests go unanswered (`link.down`) the refresh is tried every RETRY_MS (offline it fails at
 * once, on the device), and the first request answered refreshes everything: the page recovers
 * without an `online` event or a tap.
 */
export function startAutoRefresh(onReconnect: () => void): () => void {
	const again = (anew = false) => {
		clock.now = Date.now();
		void refreshAll({ anew });
		onReconnect();
	};
	/** The browser says the connection went or came back: what a run under way waits for is moot. */
	const connection = () => again(true);
	let ticks = 0;
	const tick = () => {
		clock.now = Date.now();
		if (document.visibilityState === 'visible' && (link.down || ++ticks % (AUTO_REFRESH_MS / RETRY_MS) === 0)) again();
	};
	const timer = setInterval(tick, RETRY_MS);
	const visible = () => {
		if (document.visibilityState === 'visible') again();
	};
	link.back = () => again();
	document.addEventListener('visibilitychange', visible);
	// Offline too: new requests fail at once and every page says it is offline now, not at the next tick
	// nor once a request under way gives up (up to REQUEST_TIMEOUT_MS on a slow network).
	window.addEventListener('online', connection);
	window.addEventListener('offline', connection);
	return () => {
		clearInterval(timer);
		link.back = () => {};
		document.removeEventListener('visibilitychange', visible);
		window.removeEventListener('online', connection);
		window.removeEventListener('offline', connection);
	};
}

/**
 * The account's live stream (SSE): each `balance` event after the first (which only repeats what
 * the page just loaded) means something changed, and so does each `inbox` event (new alerts). A
 * reconnect sends `Last-Event-ID`, so the server sends figures again only when they changed while
 * the stream was down. Where the stream is missing or refused, EventSource closes and the 30-second
 * refresh carries on alone; a `refused` event (the session ended, or its access to the account)
 * refreshes at once.
 */
export function openStream(accountId: string): () => void {
	if (typeof EventSource === 'undefined') return () => {};
	const source = new EventSource(`/api/v1/stream?account=${encodeURIComponent(accountId)}`);
	let first = true;
	let pending: ReturnType<typeof setTimeout> | undefined;
	const soon = () => {
		clearTimeout(pending);
		pending = setTimeout(() => void refreshAll(), 250);
	};
	source.addEventListener('balance', () => (first ? (first = false) : soon()));
	source.addEventListener('inbox', soon);
	// The last event: the session ended, or its right to read this account. The refresh at once meets
	// the same refusal and the pages do what they do on it (sign-in; the pool the user still draws
	// from), which closes this stream; a reconnect before that is refused, and EventSource stops.
	source.addEventListener('refused', soon);
	return () => {
		clearTimeout(pending);
		source.close();
	};
}
