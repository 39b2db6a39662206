import { json } from '@sveltejs/kit';
import { embedOrder } from '$lib/server/embed';
import { storeTicketRoute } from '$lib/server/rest/embed';

/** GET (store ticket): one order of the ticket's account while its payment is processed, and the balance once its tokens landed. */
export const GET = storeTicketRoute(async ({ db, grant, event }) => json(await embedOrder(db, grant, event.params.id ?? ''), { headers: { 'cache-control': 'no-store' } }));
