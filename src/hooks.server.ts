import { sequence } from '@sveltejs/kit/hooks';
import type { Handle, ServerInit } from '@sveltejs/kit';
import { building } from '$app/environment';
import { authenticate } from '$lib/server/http/authenticate';
import { compressJson } from '$lib/server/http/compress';
import { refuseCrossSite } from '$lib/server/http/csrf';
import { answerOutage, handleOutage } from '$lib/server/http/unavailable';
import { closeConnectionsWhenDraining } from '$lib/server/http/drain';
import { answerNotFound } from '$lib/server/http/not-found';
import { closeDb } from '$lib/server/db';
import { getDbOrExit } from '$lib/server/db/opening';
import { createTRPCHandle } from 'trpc-sveltekit';
import { appRouter } from '$lib/server/trpc/router';
import { createContext } from '$lib/server/trpc/init';
import { trpcResponseMeta } from '$lib/server/trpc/response-meta';
import { trpcMethods } from '$lib/server/trpc/methods';
import { answerCallsWithin } from '$lib/server/trpc/edge-answer';
import { TRPC_URL } from '$lib/trpc-path';
import { config, configWarnings, ConfigError } from '$lib/server/config';
import { ensureDemoData } from '$lib/server/demo';
import { firstAdminHint } from '$lib/server/accounts';
import { paymentsLine } from '$lib/server/store';
import { firstQueriesHead } from '$lib/server/http/first-queries';
import { startAlerts, startAllowanceNotices } from '$lib/server/alerts';
import { startTopups } from '$lib/server/topup';
import { setGroupCommitOptions } from '$lib/server/ledger';
import { startSchedule } from '$lib/server/schedule';
import { appJobs, sweepAtNewLotExpiries } from '$lib/server/schedule/app-jobs';
import { closeWebhookAgents, startWebhookOutbox } from '$lib/server/webhooks';
import { onShutdown } from '$lib/server/shutdown';
import { applyLogLevel } from '$lib/server/log';

// Fail at start, with one clear line naming the variable, on a bad environment.
try {
	config();
} catch (e) {
	if (!(e instanceof ConfigError)) throw e;
	console.error(e.message);
	process.exit(1);
}
applyLogLevel(config().LOG_LEVEL);

const trpc = createTRPCHandle({ router: appRouter, url: TRPC_URL, createContext, responseMeta: trpcResponseMeta });

/** Writes a signed-in page's first queries into its HTML (they are prerendered with it). */
const firstQueries: Handle = ({ event, resolve }) =>
	resolve(event, { transformPageChunk: async ({ html }) =>
			html.includes('<!--quota:first-queries-->') ? html.replace('<!--quota:first-queries-->', await firstQueriesHead(event.url.pathname)) : html
	});

export const handle = sequence(closeConnectionsWhenDraining, answerOutage, answerCallsWithin, answerNotFound, compressJson, refuseCrossSite, authenticate, trpcMethods(appRouter), trpc, firstQueries);
export const handleError = handleOutage;

/** The role (db/roles.ts) of watching balance changes for alerts and auto top-ups. */
const WATCHERS_ROLE = 1;

/** Runs once before the first request: open and migrate the database, load the demo on first start. */
export const init: ServerInit = async () => {
	// Prerendering the app shell needs no database: do not migrate or seed one at build time.
	if (building) return;
	for (const warning of configWarnings(config())) console.warn(warning);
	setGroupCommitOptions({ inFlight: config().GROUP_COMMIT_IN_FLIGHT });
	const db = await getDbOrExit();
	const where = db.kind === 'pglite' ? `embedded PGlite in ${config().PGLITE_DIR}` : 'PostgreSQL';
	console.log(`Quota: database ${where} · payments: ${paymentsLine()}`);
	await ensureDemoData(db);
	const hint = await firstAdminHint(db, config().ORIGIN);
	if (hint) console.log(hint);
	startWebhookOutbox();
	startAllowanceNotices();
	sweepAtNewLotExpiries(config().SCHEDULE_CHECK_SECONDS);
	const schedule = await startSchedule(db, appJobs(config().SCHEDULE_CHECK_SECONDS));
	// Draining: take no new job from the signal on (runs under way are cut short and run again after their lease).
	onShutdown(() => void schedule.stop());
	// The watchers of every balance change hear every process's changes: one process runs them (db/roles.ts).
	const stopWatchers = await db.runInOneProcess(WATCHERS_ROLE, {
		start: async () => {
			const [stopAlerts, stopTopups] = await Promise.all([startAlerts(db), startTopups(db)]);
			return async () => void (await Promise.all([stopAlerts(), stopTopups()]));
		}
	});
	// adapter-node stops taking requests on SIGTERM/SIGINT and emits this once the last one ended;
	// finish the alert evaluations and scheduled jobs under way (a job cut short runs again after
	// its lease, in another process or after the restart), then close the connections: the
	// webhooks' keep-alive ones once no delivery run uses them, then the database's.
	process.once('sveltekit:shutdown', () => {
		Promise.all([schedule.stop().then(closeWebhookAgents), stopWatchers()])
			.then(closeDb)
			.then(() => console.log('Quota: stopped.'))
			.catch((e) => console.error('Quota: shutting down cleanly failed', e));
	});
};
