import type { RequestHandler } from './$types';
import { simulatorAction } from '$lib/server/http/simulator';

/** What the simulator's checkout sheet shows for a transaction. */
export const GET: RequestHandler = (event) => simulatorAction(event, { customerOf: event.params.id }, (sim) => sim.checkoutSummary(event.params.id));
