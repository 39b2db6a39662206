import { eq } from 'drizzle-orm';
import type { Executor } from '../db';
import { topups } from '../db/schema';

/**
 * An order Paddle completed that was opened from an auto top-up's notice (store/orders.ts ties them):
 * the top-up is bought, `charged` from then on, so it counts against its rule's monthly count and
 * amount, and its card and inbox entry say so. Once: a replayed webhook finds it bought already.
 * Returns whether the order is a top-up's, the first time and on every replay alike (its lots' notes
 * say so, and a replay must grant with the same note).
 */
export async function noticeBought(exec: Executor, orderId: string, at: Date): Promise<boolean> {
	const [tied] = await exec.select({ id: topups.id, status: topups.status }).from(topups).where(eq(topups.orderId, orderId)).for('update');
	if (!tied) return false;
	if (tied.status === 'notice') await exec.update(topups).set({ status: 'charged', finishedAt: at, note: 'Bought from the notice.' }).where(eq(topups.id, tied.id));
	return true;
}
