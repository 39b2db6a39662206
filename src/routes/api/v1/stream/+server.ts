import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { authenticateApiKey, resolveAccount, targetAccount } from '$lib/server/accounts';
import { errorResponse } from '$lib/server/http/refusals';
import { targetQuery } from '$lib/server/rest/schemas';
import { DomainError } from '$lib/server/errors';
import { balanceStream } from '$lib/server/live/stream';

/** Server-Sent Events: the account's balances now and after every change (session or API key). */
export const GET: RequestHandler = async ({ request, url, locals, route }) => {
	try {
		const db = await getDb();
		const header = request.headers.get('authorization');
		let accountId: string;
		if (header) {
			const key = await authenticateApiKey(db, /^Bearer\s+(\S+)$/i.exec(header)?.[1]);
			accountId = await targetAccount(db, key, targetQuery.parse(Object.fromEntries(url.searchParams)), 'read');
		} else if (locals.auth) {
			accountId = await resolveAccount(db, locals.auth, url.searchParams.get('account') ?? undefined, 'read');
		} else {
			throw new DomainError('unauthorized', 'Sign in, or send Authorization: Bearer <api key>.');
		}
		const body = await balanceStream(db, accountId, request.signal);
		return new Response(body, {
			headers: {
				'content-type': 'text/event-stream; charset=utf-8',
				'cache-control': 'no-store',
				connection: 'keep-alive',
				'x-accel-buffering': 'no'
			}
		});
	} catch (e) {
		return errorResponse(e, { request, route });
	}
};
