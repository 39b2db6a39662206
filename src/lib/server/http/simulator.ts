import { json, type RequestEvent } from '@sveltejs/kit';
import { simulatorFor, type SimulatorActor } from '../store';
import type { PaddleSimulator } from '../store/paddle/simulator/simulator';
import { errorResponse } from './refusals';

/** One Paddle simulator endpoint: `simulatorFor`'s check, the action, its JSON answer or refusal (`answers`). */
export async function simulatorAction<T>(event: RequestEvent, who: SimulatorActor, run: (sim: PaddleSimulator) => Promise<T>): Promise<Response> {
	try {
		return json(await run(await simulatorFor(event.locals.auth, who)), { headers: { 'cache-control': 'no-store' } });
	} catch (e) {
		return errorResponse(e, event);
	}
}
