import { simulatorFor } from '$lib/server/store';
import { refusePage } from '$lib/server/http/page-refusal';
import { customerOf } from '$lib/server/http/simulator';
import type { PageServerLoad } from './$types';

/** The simulator's checkout sheet: only for the buyer who started this checkout (or the embedded store's ticket for its account). */
export const load: PageServerLoad = async (event) => {
	const { params, locals } = event;
	const sim = await simulatorFor(locals.auth, await customerOf(event, params.id)).catch(refusePage);
	return { checkout: await sim.checkoutSummary(params.id).catch(refusePage) };
};
