import { z } from 'zod';
import type { RequestHandler } from './$types';
import { simulatorAction } from '$lib/server/http/simulator';
import { DomainError } from '$lib/server/errors';

const body = z.object({ decline: z.boolean() }).strict();

/** The seller's demo switch: the subscription's card declines (or accepts again) one-time charges, i.e. auto top-ups. */
export const POST: RequestHandler = (event) =>
	simulatorAction(event, 'seller', async (sim) => {
		const parsed = body.safeParse(await event.request.json().catch(() => null));
		if (!parsed.success) throw new DomainError('invalid_input', 'Send {"decline": true} or {"decline": false}.');
		await sim.setDeclineCharges(event.params.id, parsed.data.decline);
		return { declineCharges: parsed.data.decline };
	});
