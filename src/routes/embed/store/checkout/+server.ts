import { json } from '@sveltejs/kit';
import { z } from 'zod';
import { embedCheckout } from '$lib/server/embed';
import { requireProvider } from '$lib/server/store';
import { storeTicketRoute } from '$lib/server/rest/embed';
import { HttpError, invalidInput } from '$lib/server/http/refusals';
import { assertStorable } from '$lib/server/storable';

const body = z.strictObject({
	productId: z.string().min(1).max(64),
	quantity: z.number().int().min(1).max(1000),
	/** Made by the page for one purchase attempt: a retry answers the same order. */
	checkoutKey: z.string().min(1).max(255).optional()
});

/** POST (store ticket) `{productId, quantity, checkoutKey?}`: our order and Paddle's transaction; the page opens the checkout for it. */
export const POST = storeTicketRoute(async ({ db, grant, event }) => {
	const raw: unknown = await event.request.json().catch(() => {
		throw new HttpError('invalid_json', 'The body is not valid JSON.');
	});
	assertStorable(raw);
	const parsed = body.safeParse(raw);
	if (!parsed.success) throw invalidInput(parsed.error, 'body');
	const input = parsed.data;
	return json(await embedCheckout(db, await requireProvider(), grant, input), { headers: { 'cache-control': 'no-store' } });
});
