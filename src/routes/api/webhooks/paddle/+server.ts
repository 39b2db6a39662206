import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { config } from '$lib/server/config';
import { getDb } from '$lib/server/db';
import { paymentProvider } from '$lib/server/store';
import { receivePaddleWebhook } from '$lib/server/store/paddle/webhook';
import { errorResponse } from '$lib/server/http/refusals';
import { DomainError } from '$lib/server/errors';

/**
 * Paddle's notification destination (and the simulator's): verified raw body in, 200 / 4xx / 500 out.
 * With no payment provider live nothing is accepted: the simulator's signing secret is public.
 */
export const POST: RequestHandler = async ({ request }) => {
	const provider = await paymentProvider();
	if (!provider) return errorResponse(new DomainError('not_found', 'Payments are not configured on this site.'));
	const reply = await receivePaddleWebhook(
		await getDb(),
		{ env: provider.environment, secret: config().PADDLE_WEBHOOK_SECRET },
		await request.text(),
		request.headers.get('paddle-signature')
	);
	return json(reply.body, { status: reply.status, headers: { 'cache-control': 'no-store' } });
};
