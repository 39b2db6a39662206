import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts, users } from './accounts';
import { orders, products, type ProductGrant } from './store';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** An account's auto top-up rule (issue 17.2): when available tokens fall below `belowTokens`, buy one `productId`. */
export const topupRules = pgTable(
	'topup_rules',
	{
		accountId: uuid('account_id')
			.primaryKey()
			.references(() => accounts.id, { onDelete: 'cascade' }),
		enabled: boolean('enabled').notNull().default(false),
		belowTokens: bigint('below_tokens', { mode: 'number' }).notNull(),
		productId: text('product_id')
			.notNull()
			.references(() => products.id),
		/** At most this many top-ups per calendar month (site time zone); null = no count cap. */
		maxPerMonth: integer('max_per_month'),
		/** At most this much per month, in cents of the package's currency; null = no money cap. */
		maxCentsPerMonth: bigint('max_cents_per_month', { mode: 'number' }),
		cooldownSeconds: integer('cooldown_seconds').notNull().default(3600),
		/** The number of the account's current crossing below `belowTokens` (topups are unique per crossing). */
		crossing: integer('crossing').notNull().default(0),
		/** Whether this crossing's top-up is still to be claimed. */
		armed: boolean('armed').notNull().default(true),
		/** Why available is (or will be) below the trigger in this crossing; its top-up's notice says so. */
		crossingCause: text('crossing_cause').$type<TopupCause>().notNull().default('drop'),
		/** Why the rule turned itself off (a declined payment). */
		offReason: text('off_reason'),
		updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
		updatedAt: ts('updated_at').notNull().defaultNow()
	},
	(t) => [
		check('topup_rules_below_check', sql`${t.belowTokens} >= 1`),
		check('topup_rules_caps_check', sql`(${t.maxPerMonth} is null or ${t.maxPerMonth} >= 1) and (${t.maxCentsPerMonth} is null or ${t.maxCentsPerMonth} >= 1)`),
		check('topup_rules_cooldown_check', sql`${t.cooldownSeconds} between 0 and 2592000`),
		check('topup_rules_crossing_cause_check', sql`${t.crossingCause} in ('drop', 'set', 'retry')`)
	]
);

export type TopupStatus = 'claimed' | 'charging' | 'charged' | 'notice' | 'declined' | 'failed';

/**
 * Why an account was below its auto top-up trigger: `drop` (available was at or above it, then fell
 * below), `set` (already below when the rule was turned on or its trigger set), `retry` (still below
 * after a charge that failed).
 */
export type TopupCause = 'drop' | 'set' | 'retry';

/** One crossing acted on: a charge on the buyer's subscription, or a one-tap notice to buy. */
export const topups = pgTable(
	'topups',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		accountId: uuid('account_id')
			.notNull()
			.references(() => accounts.id, { onDelete: 'cascade' }),
		crossing: integer('crossing').notNull(),
		productId: text('product_id').notNull(),
		/** The package's name and tokens per model (one unit) when claimed: what the top-up offered, whatever the package becomes (0053). */
		productName: text('product_name').notNull(),
		contents: jsonb('contents').$type<ProductGrant[]>().notNull(),
		/** The package's price when claimed, in cents of `currency`. */
		amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
		currency: text('currency').notNull(),
		/** Tokens available when the crossing was seen. */
		available: bigint('available', { mode: 'number' }).notNull(),
		/** Why they were below the trigger (the rule's `crossingCause` when claimed). */
		cause: text('cause').$type<TopupCause>().notNull().default('drop'),
		status: text('status').$type<TopupStatus>().notNull(),
		orderId: uuid('order_id').references(() => orders.id),
		note: text('note'),
		createdAt: ts('created_at').notNull().defaultNow(),
		finishedAt: ts('finished_at')
	},
	(t) => [
		uniqueIndex('topups_crossing_idx').on(t.accountId, t.crossing),
		index('topups_account_created_idx').on(t.accountId, t.createdAt),
		// The top-up an order was bought from (0068).
		index('topups_order_idx').on(t.orderId).where(sql`${t.orderId} is not null`),
		check('topups_status_check', sql`${t.status} in ('claimed', 'charging', 'charged', 'notice', 'declined', 'failed')`),
		check('topups_cause_check', sql`${t.cause} in ('drop', 'set', 'retry')`)
	]
);
