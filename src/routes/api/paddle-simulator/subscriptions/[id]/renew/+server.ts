import type { RequestHandler } from './$types';
import { simulatorAction } from '$lib/server/http/simulator';

/** Bills the next period now (or ends a subscription whose cancellation is due). */
export const POST: RequestHandler = (event) => simulatorAction(event, 'seller', (sim) => sim.renew(event.params.id));
