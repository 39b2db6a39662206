import { sequence } from '@sveltejs/kit/hooks';
import { json, type Handle, type ServerInit } from '@sveltejs/kit';
import { identifyRequest, rejectsNonJson } from '$lib/server/accounts';
import { getDb } from '$lib/server/db';
import { createTRPCHandle } from 'trpc-sveltekit';
import { appRouter } from '$lib/server/trpc/router';
import { createContext } from '$lib/server/trpc/init';
import { config } from '$lib/server/config';
import { ensureDemoData } from '$lib/server/demo';

// Fail at start, with one clear line, on a bad environment.
config();

const authenticate: Handle = async ({ event, resolve }) => {
	if (rejectsNonJson(event.request, event.url.pathname)) {
		return json({ error: { code: 'invalid_input', message: 'Send a JSON body with Content-Type: application/json.' } }, { status: 415 });
	}
	const identity = await identifyRequest(await getDb(), event.cookies, event.url.pathname);
	event.locals.auth = identity.auth;
	event.locals.guestId = identity.guestId;
	return resolve(event);
};

const trpc = createTRPCHandle({ router: appRouter, createContext });

export const handle = sequence(authenticate, trpc);

/** Runs once before the first request: open and migrate the database, load the demo on first start. */
export const init: ServerInit = async () => {
	const db = await getDb();
	console.log(`Quota: database ready (${db.kind === 'pglite' ? `embedded PGlite in ${config().PGLITE_DIR}` : 'PostgreSQL'})`);
	await ensureDemoData(db);
};
