import { simulatorFor } from '$lib/server/store';
import { refusePage } from '$lib/server/http/page-refusal';
import { customerOf } from '$lib/server/http/simulator';
import type { PageServerLoad } from './$types';

/**
 * The simulator's checkout sheet: only for the buyer who started this checkout (or the embedded store's
 * ticket for its account). `?email=`: the e-mail the store filled in, as Paddle.js's `customer.email`
 * fills in Paddle's (the member store gives the signed-in user's; the embedded store has none to give).
 */
export const load: PageServerLoad = async (event) => {
	const { params, locals, url } = event;
	const sim = await simulatorFor(locals.auth, await customerOf(event, params.id)).catch(refusePage);
	return { checkout: await sim.checkoutSummary(params.id).catch(refusePage), email: url.searchParams.get('email') ?? '' };
};
