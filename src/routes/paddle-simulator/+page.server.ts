import { redirect } from '@sveltejs/kit';
import { activeSimulator } from '$lib/server/store';
import { simulatorFor } from '$lib/server/store/paddle/simulator/routes';
import type { PageServerLoad } from './$types';

/** The simulator's seller dashboard: what Paddle's dashboard and billing clock do, on demand. */
export const load: PageServerLoad = async ({ locals, url }) => {
	if (!locals.auth && (await activeSimulator())) redirect(303, `/signin?next=${encodeURIComponent(url.pathname)}`);
	const sim = await simulatorFor(locals.auth, 'seller');
	const { transactions, subscriptions } = await sim.listRecords();
	return { transactions: transactions.reverse(), subscriptions: subscriptions.reverse() };
};
