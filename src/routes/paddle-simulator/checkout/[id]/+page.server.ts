import { simulatorFor } from '$lib/server/store';
import { refusePage } from '$lib/server/http/page-refusal';
import type { PageServerLoad } from './$types';

/** The simulator's checkout sheet: only for the buyer who started this checkout. */
export const load: PageServerLoad = async ({ params, locals }) => {
	const sim = await simulatorFor(locals.auth, { customerOf: params.id }).catch(refusePage);
	return { checkout: await sim.checkoutSummary(params.id).catch(refusePage) };
};
