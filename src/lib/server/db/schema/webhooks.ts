import { bigint, bigserial, boolean, check, index, integer, jsonb, pgTable, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { accounts, users } from './accounts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** A host site's endpoint: where events of the chosen types are POSTed, signed with `secret`. */
export const webhookEndpoints = pgTable(
	'webhook_endpoints',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		url: text('url').notNull(),
		/**
		 * The URL as one address (webhooks/endpoints.ts `endpointAddress`): one endpoint per address, so no
		 * event goes out twice (drizzle/0042). Null only for a duplicate 0042 turned off, until it is on again.
		 */
		address: text('address'),
		description: text('description').notNull().default(''),
		/** Standard Webhooks secret (`whsec_` + base64); shown once, when the endpoint is created or its secret rotated. */
		secret: text('secret').notNull(),
		/**
		 * The secret a rotation replaced: it signs too until `previousSecretExpiresAt`, so the receiver can
		 * switch at its own pace (webhooks/endpoints.ts `rotateSecret`, drizzle/0063).
		 */
		previousSecret: text('previous_secret'),
		previousSecretExpiresAt: ts('previous_secret_expires_at'),
		eventTypes: text('event_types').array().notNull(),
		enabled: boolean('enabled').notNull().default(true),
		disabledReason: text('disabled_reason'),
		disabledAt: ts('disabled_at'),
		createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
		createdAt: ts('created_at').notNull().defaultNow(),
		updatedAt: ts('updated_at').notNull().defaultNow()
	},
	(t) => [uniqueIndex('webhook_endpoints_address').on(t.address)]
);

/** The last sequence number an account's events got. */
export const webhookSequences = pgTable('webhook_sequences', {
	accountId: uuid('account_id').primaryKey().references(() => accounts.id, { onDelete: 'cascade' }),
	lastSeq: bigint('last_seq', { mode: 'number' }).notNull()
});

/** The outbox: one row per event, written in the transaction of the change that caused it. */
export const webhookEvents = pgTable(
	'webhook_events',
	{
		id: text('id').primaryKey(),
		/** Null only for a test event (`ping`, 0064): it changes no account, so it has no account and no sequence number. */
		accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'cascade' }),
		seq: bigint('seq', { mode: 'number' }),
		type: text('type').notNull(),
		payload: jsonb('payload').notNull(),
		createdAt: ts('created_at').notNull().defaultNow()
	},
	(t) => [
		unique('webhook_events_account_seq').on(t.accountId, t.seq),
		check('webhook_events_account_check', sql`(${t.accountId} is null) = (${t.seq} is null) and (${t.accountId} is null) = (${t.type} = 'ping')`)
	]
);

/** One event to one endpoint, tried until delivered or out of attempts. */
export const webhookDeliveries = pgTable(
	'webhook_deliveries',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		eventId: text('event_id').notNull().references(() => webhookEvents.id, { onDelete: 'cascade' }),
		endpointId: uuid('endpoint_id').notNull().references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
		status: text('status', { enum: ['pending', 'delivered', 'failed'] }).notNull().default('pending'),
		attempts: integer('attempts').notNull().default(0),
		nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
		leaseUntil: ts('lease_until'),
		deliveredAt: ts('delivered_at'),
		createdAt: ts('created_at').notNull().defaultNow()
	},
	(t) => [
		unique('webhook_deliveries_once').on(t.eventId, t.endpointId),
		index('webhook_deliveries_due').on(t.nextAttemptAt).where(sql`status = 'pending'`),
		index('webhook_deliveries_endpoint').on(t.endpointId, t.createdAt.desc())
	]
);

/** The delivery log: every attempt and its answer. */
export const webhookAttempts = pgTable(
	'webhook_attempts',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		deliveryId: bigint('delivery_id', { mode: 'number' }).notNull().references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
		endpointId: uuid('endpoint_id').notNull().references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
		at: ts('at').notNull().defaultNow(),
		statusCode: integer('status_code'),
		latencyMs: integer('latency_ms').notNull(),
		responseExcerpt: text('response_excerpt'),
		error: text('error'),
		manual: boolean('manual').notNull().default(false)
	},
	(t) => [index('webhook_attempts_endpoint').on(t.endpointId, t.at.desc()), index('webhook_attempts_delivery').on(t.deliveryId, t.at.desc())]
);
