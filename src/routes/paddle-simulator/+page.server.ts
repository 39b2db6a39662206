import { error, redirect } from '@sveltejs/kit';
import { isSiteAdmin } from '$lib/server/accounts';
import { activeSimulator } from '$lib/server/store';
import type { PageServerLoad } from './$types';

/** The simulator's seller dashboard: what Paddle's dashboard and billing clock do, on demand. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const sim = await activeSimulator();
	if (!sim) error(404, 'The Paddle simulator is off: real Paddle is configured.');
	if (!locals.auth) redirect(303, `/signin?next=${encodeURIComponent(url.pathname)}`);
	if (!isSiteAdmin(locals.auth)) error(403, 'Only site admins can act as the seller in the Paddle simulator.');
	const { transactions, subscriptions } = await sim.listRecords();
	return { transactions: transactions.reverse(), subscriptions: subscriptions.reverse() };
};
