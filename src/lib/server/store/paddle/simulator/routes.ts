import { error, json } from '@sveltejs/kit';
import type { Auth } from '../../../accounts/types';
import { isSiteAdmin } from '../../../accounts/types';
import { isDomainError } from '../../../errors';
import { activeSimulator } from '..';
import type { PaddleSimulator } from './simulator';

/**
 * Runs one simulator action for an HTTP endpoint: 404 when real Paddle is configured, the
 * seller's actions (refund, chargeback, renewal) only for site admins, as in Paddle's dashboard.
 */
export async function simulatorAction<T>(auth: Auth | null, who: 'customer' | 'seller', run: (sim: PaddleSimulator) => Promise<T>) {
	const sim = await activeSimulator();
	if (!sim) error(404, 'The Paddle simulator is off: real Paddle is configured.');
	if (who === 'seller' && !isSiteAdmin(auth)) error(403, 'Only site admins can act as the seller in the Paddle simulator.');
	try {
		return json(await run(sim), { headers: { 'cache-control': 'no-store' } });
	} catch (e) {
		if (isDomainError(e)) return json({ error: { code: e.code, message: e.message } }, { status: e.code === 'not_found' ? 404 : 409 });
		throw e;
	}
}
