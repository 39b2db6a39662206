import { z } from 'zod';
import type { RequestHandler } from './$types';
import { simulatorAction } from '$lib/server/http/simulator';
import { DomainError } from '$lib/server/errors';

const body = z.object({ decline: z.union([z.boolean(), z.literal('later')]) }).strict();

/** The seller's demo switch: the subscription's card declines one-time charges (auto top-ups) at once, or `"later"` by Paddle's payment_failed webhook, or accepts them again. */
export const POST: RequestHandler = (event) =>
	simulatorAction(event, 'seller', async (sim) => {
		const parsed = body.safeParse(await event.request.json().catch(() => null));
		if (!parsed.success) throw new DomainError('invalid_input', 'Send {"decline": true}, {"decline": "later"} or {"decline": false}.');
		await sim.setDeclineCharges(event.params.id, parsed.data.decline);
		return { declineCharges: parsed.data.decline };
	});
