import type { RequestHandler } from './$types';
import { simulatorAction } from '$lib/server/store/paddle/simulator/routes';

/** Bills the next period now (or ends a subscription whose cancellation is due). */
export const POST: RequestHandler = ({ params, locals }) => simulatorAction(locals.auth, 'seller', (sim) => sim.renew(params.id));
