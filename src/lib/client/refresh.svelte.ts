// When data is refreshed: every 30 s while the page is visible, at once when it becomes visible
// again or the connection comes back, and on every event of the live stream (SSE) when the
// server offers one. Resources register here; the layout starts the timers.

type Refresher = () => Promise<unknown>;
const refreshers = new Set<Refresher>();

export const AUTO_REFRESH_MS = 30_000;

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
 * before the change) is not enough: another one follows it.
 */
export function refreshAll(opts: { afterWrite?: boolean } = {}): Promise<unknown> {
	if (opts.afterWrite && running) return running.then(() => refreshAll());
	running ??= Promise.allSettled([...refreshers].map((fn) => fn())).finally(() => (running = null));
	return running;
}

/**
 * Starts the timers and listeners; returns a function that stops them. `onReconnect` (sending the
 * writes that wait) runs when the connection or the page comes back, and with each refresh: a
 * network that carries nothing can leave navigator.onLine true, and then no `online` event comes.
 */
export function startAutoRefresh(onReconnect: () => void): () => void {
	const tick = () => {
		clock.now = Date.now();
		if (document.visibilityState !== 'visible' || !navigator.onLine) return;
		void refreshAll();
		onReconnect();
	};
	const timer = setInterval(tick, AUTO_REFRESH_MS);
	const visible = () => {
		if (document.visibilityState !== 'visible') return;
		clock.now = Date.now();
		void refreshAll();
		onReconnect();
	};
	const online = () => {
		void refreshAll();
		onReconnect();
	};
	document.addEventListener('visibilitychange', visible);
	window.addEventListener('online', online);
	return () => {
		clearInterval(timer);
		document.removeEventListener('visibilitychange', visible);
		window.removeEventListener('online', online);
	};
}

/**
 * The account's live stream (SSE): each `balance` event after the first (which only repeats what
 * the page just loaded) means something changed, and so does each `inbox` event (new alerts). A
 * reconnect sends `Last-Event-ID`, so the server sends figures again only when they changed while
 * the stream was down. Where the stream is missing or refused, EventSource closes and the 30-second
 * refresh carries on alone.
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
	return () => {
		clearTimeout(pending);
		source.close();
	};
}
