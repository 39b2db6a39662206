import type { Db } from '../db';
import { audit } from '../accounts';
import { makeDue } from '../schedule';
import type { AdminActor } from './audited';

/**
 * A site admin's "Run now" on the Jobs page: the job runs within moments (schedule `makeDue`: a
 * recurring job once at once, a one-off job waiting to try again now), recorded in the audit log
 * (`job.run_now`, with the job's name). Returns the job's name.
 * Errors: those of `makeDue` (`not_found`, `conflict`).
 */
export function runJobNow(db: Db, actor: AdminActor, jobId: number): Promise<{ name: string }> {
	return db.orm.transaction(async (tx) => {
		const job = await makeDue(tx, jobId);
		await audit(tx, { action: 'job.run_now', actorUserId: actor.userId, ip: actor.ip, targetType: 'job', targetId: String(jobId), detail: { name: job.name, key: job.key || null } });
		return { name: job.name };
	});
}
