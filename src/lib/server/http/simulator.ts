import { json, type RequestEvent } from '@sveltejs/kit';
import { simulatorFor, type SimulatorActor } from '../store';
import type { PaddleSimulator } from '../store/paddle/simulator/simulator';
import { readStoreTicket } from '../embed';
import { getDb } from '../db';
import { STORE_TICKET_COOKIE } from '../../store-ticket';
import { errorResponse } from './refusals';

/** One Paddle simulator endpoint: `simulatorFor`'s check, the action, its JSON answer or refusal (`answers`). */
export async function simulatorAction<T>(event: RequestEvent, who: SimulatorActor, run: (sim: PaddleSimulator) => Promise<T>): Promise<Response> {
	try {
		return json(await run(await simulatorFor(event.locals.auth, who)), { headers: { 'cache-control': 'no-store' } });
	} catch (e) {
		return errorResponse(e, event);
	}
}

/**
 * The buyer of transaction `id` as this request shows it: its session (`locals.auth`, checked by
 * `simulatorFor`) and the account of the embedded store's ticket cookie, if a valid one is there.
 */
export async function customerOf(event: Pick<RequestEvent, 'cookies'>, id: string): Promise<SimulatorActor> {
	const ticket = event.cookies.get(STORE_TICKET_COOKIE);
	const grant = ticket ? await readStoreTicket(await getDb(), ticket).catch(() => null) : null;
	return { customerOf: id, ticketAccount: grant?.accountId ?? null };
}
