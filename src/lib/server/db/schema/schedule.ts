import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * The one schedule (schedule/): a recurring job (`every_seconds`, key '') or a one-off job (its
 * key makes it at most once). Claimed with FOR UPDATE SKIP LOCKED; `lease_until` marks it running.
 */
export const scheduledJobs = pgTable(
	'scheduled_jobs',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		name: text('name').notNull(),
		key: text('key').notNull(),
		payload: jsonb('payload'),
		everySeconds: integer('every_seconds'),
		runAt: ts('run_at').notNull().defaultNow(),
		status: text('status', { enum: ['scheduled', 'done', 'failed'] }).notNull().default('scheduled'),
		attempts: integer('attempts').notNull().default(0),
		maxAttempts: integer('max_attempts').notNull().default(5),
		leaseUntil: ts('lease_until'),
		leasedBy: text('leased_by'),
		lastStartedAt: ts('last_started_at'),
		lastFinishedAt: ts('last_finished_at'),
		lastDurationMs: integer('last_duration_ms'),
		lastError: text('last_error'),
		failures: integer('failures').notNull().default(0),
		createdAt: ts('created_at').notNull().defaultNow()
	},
	(t) => [uniqueIndex('scheduled_jobs_name_key').on(t.name, t.key), index('scheduled_jobs_due').on(t.runAt).where(sql`status = 'scheduled'`)]
);
