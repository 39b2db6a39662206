/**
 * The process's shutdown on SIGTERM/SIGINT, as seen by the app. adapter-node stops accepting
 * connections, closes the idle keep-alive ones and emits `sveltekit:shutdown` once the last
 * request has ended; what would keep a request open for good (an SSE stream) registers here and
 * is ended at the signal, and answers sent meanwhile ask the client not to reuse the connection.
 */

const GRACE_MS = 5_000;

let shuttingDown = false;
const closers = new Set<() => void>();

/** Whether a shutdown signal has come. */
export function isShuttingDown(): boolean {
	return shuttingDown;
}

/** Runs `close` at the shutdown signal (at once if it already came); returns the unregister function. */
export function onShutdown(close: () => void): () => void {
	if (shuttingDown) {
		close();
		return () => {};
	}
	closers.add(close);
	return () => closers.delete(close);
}

function begin(signal: NodeJS.Signals) {
	// Without a server that shuts down on the signal (vite dev, scripts), the signal does what it does by default.
	if (process.listenerCount(signal) === 0) return void process.kill(process.pid, signal);
	if (shuttingDown) return;
	shuttingDown = true;
	// An operator's log says the stop began, and (hooks.server.ts) when it ended: a stop that hangs shows.
	console.log(`Quota: ${signal}: finishing the requests under way, then stopping…`);
	for (const close of [...closers]) close();
	closers.clear();
	// The backstop: requests are bounded well below this (the database answers or fails within a
	// few seconds), so a process still alive now is held by something that will not end by itself.
	setTimeout(() => {
		console.error(`Quota: still running ${GRACE_MS / 1000} s after ${signal}; exiting now`);
		process.exit(1);
	}, GRACE_MS).unref();
}

process.once('SIGTERM', begin);
process.once('SIGINT', begin);
