import { initTRPC } from '@trpc/server';
import type { RequestEvent } from '@sveltejs/kit';
import { getDb } from '../db';
import { toTRPCError, formatError } from './errors';
import { assertStorable } from '../storable';
import { clientAddress } from '../http/client-address';

export async function createContext(event: Pick<RequestEvent, 'locals' | 'getClientAddress'>) {
	return {
		db: await getDb(),
		auth: event.locals.auth,
		guestId: event.locals.guestId,
		ip: clientAddress(event)
	};
}

export type Context = Awaited<ReturnType<typeof createContext>>;

const t = initTRPC.context<Context>().create({ errorFormatter: formatError });

export const router = t.router;
export const middleware = t.middleware;

/** Domain errors become TRPCErrors here, once for every procedure. */
const mapErrors = t.middleware(async ({ next, path, type }) => {
	const result = await next();
	if (!result.ok) throw toTRPCError(result.error, `${type} ${path}`);
	return result;
});

/** Every procedure's raw input, before its schema runs: text the database cannot store is a BAD_REQUEST naming the field. */
const storableInput = t.middleware(({ next, rawInput, path, type }) => {
	try {
		assertStorable(rawInput);
	} catch (e) {
		throw toTRPCError(e, `${type} ${path}`);
	}
	return next();
});

export const publicProcedure = t.procedure.use(mapErrors).use(storableInput);
