import { error } from '@sveltejs/kit';
import { activeSimulator } from '$lib/server/store';
import { isDomainError } from '$lib/server/errors';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const sim = await activeSimulator();
	if (!sim) error(404, 'The Paddle simulator is off: real Paddle is configured.');
	try {
		return { checkout: await sim.checkoutSummary(params.id) };
	} catch (e) {
		if (isDomainError(e)) error(404, e.message);
		throw e;
	}
};
