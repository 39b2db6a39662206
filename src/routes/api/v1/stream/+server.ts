import type { RequestHandler } from './$types';
import { getDb } from '$lib/server/db';
import { authenticateApiKey, resolveAccount, targetAccount } from '$lib/server/accounts';
import { errorResponse } from '$lib/server/http/refusals';
import { lastEventIdHeader, targetQuery } from '$lib/server/rest/schemas';
import { balanceBody } from '$lib/server/rest/shapes';
import { DomainError } from '$lib/server/errors';
import { balanceStream } from '$lib/server/live/stream';

/** Server-Sent Events: the account's balance (GET /api/v1/balance's body) now and after every change (session or API key); honours `Last-Event-ID`. */
export const GET: RequestHandler = async ({ request, url, locals, route }) => {
	try {
		const db = await getDb();
		const header = request.headers.get('authorization');
		const key = header ? await authenticateApiKey(db, /^Bearer\s+(\S+)$/i.exec(header)?.[1]) : null;
		if (!key && !locals.auth) throw new DomainError('unauthorized', 'Sign in, or send Authorization: Bearer <api key>.');
		const { 'Last-Event-ID': lastEventId } = lastEventIdHeader.parse({ 'Last-Event-ID': request.headers.get('last-event-id') ?? undefined });
		const accountId = key
			? await targetAccount(db, key, targetQuery.parse(Object.fromEntries(url.searchParams)), 'read')
			: await resolveAccount(db, locals.auth!, url.searchParams.get('account') ?? undefined, 'read');
		const body = await balanceStream(db, accountId, request.signal, { render: balanceBody, lastEventId });
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
