import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db';
import { topups } from '../db/schema';

/**
 * An order Paddle completed that was opened from an auto top-up's notice (store/orders.ts ties them):
 * the top-up is bought, `charged` from then on, so it counts against its rule's monthly count and
 * amount, and its card and inbox entry say so. Once: a replayed webhook finds it bought already.
 */
export async function noticeBought(exec: Executor, orderId: string, at: Date): Promise<boolean> {
	const rows = await exec
		.update(topups)
		.set({ status: 'charged', finishedAt: at, note: 'Bought from the notice.' })
		.where(and(eq(topups.orderId, orderId), eq(topups.status, 'notice')))
		.returning({ id: topups.id });
	return rows.length > 0;
}
