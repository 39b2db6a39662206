import type { RequestHandler } from './$types';
import { customerOf, simulatorAction } from '$lib/server/http/simulator';

/** What the simulator's checkout sheet shows for a transaction. */
export const GET: RequestHandler = async (event) => simulatorAction(event, await customerOf(event, event.params.id), (sim) => sim.checkoutSummary(event.params.id));
