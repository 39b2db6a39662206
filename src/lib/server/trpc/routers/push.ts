import { z } from 'zod';
import { router } from '../init';
import { memberProcedure } from '../procedures';
import { hasPushDevice, pushDeviceCount, quietHoursOf, setQuietHours, subscribePush, unsubscribePush, vapidKeys } from '../../alerts';

const deviceKey = z.string().min(8).max(100);

/** Web Push of alerts to this device, and the user's quiet hours. */
export const pushRouter = router({
	/**
	 * What Settings needs: the site's public VAPID key (for `pushManager.subscribe`), how many devices
	 * get push, whether this device (its browser subscription's `endpoint`) is one of them, the quiet hours.
	 */
	status: memberProcedure.input(z.strictObject({ endpoint: z.string().max(2048).optional() }).optional()).query(async ({ ctx, input }) => {
		const userId = ctx.auth.user.id;
		const [keys, devices, quiet, thisDevice] = await Promise.all([
			vapidKeys(ctx.db.orm),
			pushDeviceCount(ctx.db.orm, userId),
			quietHoursOf(ctx.db.orm, [userId]),
			input?.endpoint ? hasPushDevice(ctx.db.orm, userId, input.endpoint) : false
		]);
		return { publicKey: keys.publicKey, devices, thisDevice, quietHours: quiet.get(userId) ?? null };
	}),

	/** Keeps this device's subscription (`PushSubscription.toJSON()`), bound to this session: signing out ends it. */
	subscribe: memberProcedure
		.input(z.strictObject({ subscription: z.unknown() }))
		.mutation(async ({ ctx, input }) => {
			await subscribePush(ctx.db.orm, { userId: ctx.auth.user.id, sessionId: ctx.auth.sessionId }, input.subscription);
			return { devices: await pushDeviceCount(ctx.db.orm, ctx.auth.user.id) };
		}),

	/** Forgets this device's subscription. */
	unsubscribe: memberProcedure.input(z.strictObject({ endpoint: z.string().max(2048) })).mutation(async ({ ctx, input }) => {
		await unsubscribePush(ctx.db.orm, ctx.auth.user.id, input.endpoint);
		return { devices: await pushDeviceCount(ctx.db.orm, ctx.auth.user.id) };
	}),

	/** Sets or clears the quiet hours (a device-made key: may be sent again from the outbox, applied once). */
	setQuietHours: memberProcedure
		.input(z.strictObject({ key: deviceKey, quietHours: z.strictObject({ from: z.string().max(5), to: z.string().max(5), timeZone: z.string().max(64) }).nullable() }))
		.mutation(({ ctx, input }) => setQuietHours(ctx.db, ctx.auth.user.id, input.key, input.quietHours))
});
