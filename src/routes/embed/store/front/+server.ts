import { json } from '@sveltejs/kit';
import { embedStoreFront } from '$lib/server/embed';
import { storeTicketRoute } from '$lib/server/rest/embed';

/** GET (store ticket): the packages for sale, how to open the checkout, and the plans the account holds. */
export const GET = storeTicketRoute(async ({ db, grant }) => json(await embedStoreFront(db, grant), { headers: { 'cache-control': 'no-store' } }));
