import type { RequestHandler } from './$types';
import { simulatorAction } from '$lib/server/store/paddle/simulator/routes';

/** What the simulator's checkout sheet shows for a transaction. */
export const GET: RequestHandler = ({ params, locals }) => simulatorAction(locals.auth, { customerOf: params.id }, (sim) => sim.checkoutSummary(params.id));
