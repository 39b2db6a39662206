import { error, json } from '@sveltejs/kit';
import type { Auth } from '../../../accounts/types';
import { isSiteAdmin } from '../../../accounts/types';
import { isDomainError } from '../../../errors';
import { activeSimulator } from '..';
import type { PaddleSimulator } from './simulator';

/** Who may take a simulator action: the buyer of one transaction, or the seller (a site admin). */
export type SimulatorActor = { customerOf: string } | 'seller';

/**
 * Checks that `auth` may act as `who` in the running simulator. 404 when the simulator is not the
 * live provider; the seller's actions (refund, chargeback, renewal) only for site admins, as in
 * Paddle's dashboard; a customer's (the checkout sheet, pay, decline) only for the session that
 * started that checkout, and anyone else gets the same 404 as for an unknown transaction.
 */
export async function simulatorFor(auth: Auth | null, who: SimulatorActor): Promise<PaddleSimulator> {
	const sim = await activeSimulator();
	if (!sim) error(404, 'The Paddle simulator is off.');
	if (who === 'seller') {
		if (!isSiteAdmin(auth)) error(403, 'Only site admins can act as the seller in the Paddle simulator.');
	} else {
		if (!auth) error(401, 'Sign in as the buyer to use this checkout.');
		if ((await sim.buyerOf(who.customerOf)) !== auth.user.id) error(404, `The simulator has no transaction ${who.customerOf}.`);
	}
	return sim;
}

/** Runs one simulator action for an HTTP endpoint, after `simulatorFor`'s check. */
export async function simulatorAction<T>(auth: Auth | null, who: SimulatorActor, run: (sim: PaddleSimulator) => Promise<T>) {
	const sim = await simulatorFor(auth, who);
	try {
		return json(await run(sim), { headers: { 'cache-control': 'no-store' } });
	} catch (e) {
		if (isDomainError(e)) return json({ error: { code: e.code, message: e.message } }, { status: e.code === 'not_found' ? 404 : 409 });
		throw e;
	}
}
