import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sessions, users } from './accounts';

/** The site's VAPID key pair (base64url), generated once by the first process that sends or subscribes; one row. */
export const pushKeys = pgTable(
	'push_keys',
	{
		id: smallint('id').primaryKey().default(1),
		publicKey: text('public_key').notNull(),
		privateKey: text('private_key').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [check('push_keys_one_row', sql`${t.id} = 1`)]
);

/** A device's Web Push subscription; it ends with the session it was made in (sign-out deletes it). */
export const pushSubscriptions = pgTable(
	'push_subscriptions',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		sessionId: text('session_id')
			.notNull()
			.references(() => sessions.id, { onDelete: 'cascade' }),
		endpoint: text('endpoint').notNull(),
		/** The browser's P-256 public key and auth secret (base64url) the payload is encrypted for. */
		p256dh: text('p256dh').notNull(),
		auth: text('auth').notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		lastSentAt: timestamp('last_sent_at', { withTimezone: true }),
		/** Failed sends in a row (a push service's 5xx or timeout); reset by a success. */
		failures: integer('failures').notNull().default(0)
	},
	(t) => [uniqueIndex('push_subscriptions_endpoint_idx').on(t.endpoint), index('push_subscriptions_user_idx').on(t.userId)]
);

/** A user's quiet hours: minutes after midnight in `timeZone`, from (inclusive) to (exclusive); no row = none. */
export const pushQuietHours = pgTable(
	'push_quiet_hours',
	{
		userId: uuid('user_id')
			.primaryKey()
			.references(() => users.id, { onDelete: 'cascade' }),
		fromMinute: smallint('from_minute').notNull(),
		toMinute: smallint('to_minute').notNull(),
		timeZone: text('time_zone').notNull(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [check('push_quiet_hours_minutes', sql`${t.fromMinute} between 0 and 1439 and ${t.toMinute} between 0 and 1439 and ${t.fromMinute} <> ${t.toMinute}`)]
);
