import { redirect } from '@sveltejs/kit';
import { activeSimulator, simulatorFor } from '$lib/server/store';
import { refusePage } from '$lib/server/http/page-refusal';
import type { PageServerLoad } from './$types';

/** The simulator's seller dashboard: what Paddle's dashboard and billing clock do, on demand. */
export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.auth && (await activeSimulator())) redirect(303, `/signin?next=${encodeURIComponent(url.pathname)}`);
	const sim = await simulatorFor(locals.auth, 'seller').catch(refusePage);
	const { transactions, subscriptions } = await sim.listRecords();
	return { transactions: transactions.reverse(), subscriptions: subscriptions.reverse() };
};
