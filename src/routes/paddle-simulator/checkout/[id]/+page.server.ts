import { error } from '@sveltejs/kit';
import { simulatorFor } from '$lib/server/store/paddle/simulator/routes';
import { isDomainError } from '$lib/server/errors';
import type { PageServerLoad } from './$types';

/** The simulator's checkout sheet: only for the buyer who started this checkout. */
export const load: PageServerLoad = async ({ params, locals }) => {
	const sim = await simulatorFor(locals.auth, { customerOf: params.id });
	try {
		return { checkout: await sim.checkoutSummary(params.id) };
	} catch (e) {
		if (isDomainError(e)) error(404, e.message);
		throw e;
	}
};
