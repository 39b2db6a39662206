import {
	bigint,
	bigserial,
	boolean,
	check,
	date,
	index,
	integer,
	jsonb,
	numeric,
	pgTable,
	primaryKey,
	smallint,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { accounts, apiKeys, teams, users } from './accounts';

const tokens = (name: string) => bigint(name, { mode: 'number' });
const ts = (name: string) => timestamp(name, { withTimezone: true });

/** One row (id = 1): the site-wide ledger settings. */
export const siteSettings = pgTable('site_settings', {
	id: smallint('id').primaryKey().default(1),
	timeZone: text('time_zone').notNull().default('UTC'),
	/** 0 = Sunday … 6 = Saturday. */
	weekStart: smallint('week_start').notNull().default(1),
	spendOrder: text('spend_order', { enum: ['allowance-first', 'balance-first'] })
		.notNull()
		.default('allowance-first'),
	lowSharePercent: integer('low_share_percent').notNull().default(20),
	/** Site default daily cap for team pools; null = none. */
	defaultTeamDailyCap: tokens('default_team_daily_cap'),
	/** Site default daily cap on each member's use of a team pool (not its owner's); null = none. */
	defaultMemberDailyCap: tokens('default_member_daily_cap'),
	/** Whether a site key naming a `user` Quota does not know creates that user (else: 404 unknown_user). */
	createUnknownUsers: boolean('create_unknown_users').notNull().default(true),
	updatedAt: ts('updated_at').notNull().defaultNow()
});

export const models = pgTable('models', {
	key: text('key').primaryKey(),
	name: text('name').notNull(),
	engine: text('engine').notNull()
});

/** A product area with its own free allowances (chat, forms, images, product). */
export const modules = pgTable('modules', {
	key: text('key').primaryKey(),
	name: text('name').notNull(),
	limitMessage: text('limit_message').notNull(),
	/** message: refuse with the limit message; inactive: report the feature as inactive. */
	onExhausted: text('on_exhausted', { enum: ['message', 'inactive'] })
		.notNull()
		.default('message'),
	/** How the Limits page sets members' free allowance: none (they pay), one general limit, or one per role. */
	limitType: text('limit_type', { enum: ['none', 'general', 'role'] })
		.notNull()
		.default('none')
});

/** What a feature costs: tokens per unit, or per operation for fixed-cost operations. */
export const features = pgTable('features', {
	key: text('key').primaryKey(),
	name: text('name').notNull(),
	module: text('module')
		.notNull()
		.references(() => modules.key),
	unit: text('unit', { enum: ['word', 'character', 'token', 'operation'] }).notNull(),
	tokensPerUnit: numeric('tokens_per_unit', { precision: 14, scale: 4 }).notNull(),
	/** How a fixed cost is made up, e.g. [{"label":"Short description","tokens":15}, …]. */
	breakdown: jsonb('breakdown').$type<{ label: string; tokens: number }[]>(),
	enabled: boolean('enabled').notNull().default(true)
});

export const allowanceRules = pgTable(
	'allowance_rules',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		module: text('module')
			.notNull()
			.references(() => modules.key),
		audience: text('audience', { enum: ['guest', 'user', 'role', 'team', 'member'] }).notNull(),
		role: text('role'),
		teamId: uuid('team_id').references(() => teams.id),
		userId: uuid('user_id').references(() => users.id),
		/** null = unlimited, 0 = the module is disabled for this audience. */
		limitTokens: tokens('limit_tokens'),
		period: text('period', { enum: ['daily', 'weekly', 'monthly', 'never'] }).notNull(),
		/** Rollover (0020): unused tokens carry into the next period up to this many held from the rule's rollovers… */
		rolloverCapTokens: tokens('rollover_cap_tokens'),
		/** …or up to this share (percent) of the period's limit; at most one of the two is set. */
		rolloverCapPercent: smallint('rollover_cap_percent'),
		/** A rolled-over lot expires when this many periods have ended after its own; null = never. */
		rolloverPeriods: smallint('rollover_periods'),
		/** Periods ending after this instant roll over; set exactly when a cap is. */
		rolloverSince: ts('rollover_since'),
		/**
		 * Since when the rule gives no free allowance (the Limits page's None: its audience pays from its
		 * balance), 0048; null = it grants `limitTokens`. Kept, not deleted: its windows name it, and it
		 * still outranks broader rules (quota_allowance_rule).
		 */
		endedAt: ts('ended_at')
	},
	(t) => [
		uniqueIndex('allowance_rules_target_idx').on(
			t.module,
			t.audience,
			sql`coalesce(${t.role}, '')`,
			sql`coalesce(${t.teamId}::text, '')`,
			sql`coalesce(${t.userId}::text, '')`
		),
		check('allowance_rules_limit_check', sql`${t.limitTokens} is null or ${t.limitTokens} >= 0`),
		check(
			'allowance_rules_rollover_check',
			sql`(${t.rolloverCapTokens} is null or ${t.rolloverCapPercent} is null) and (${t.rolloverCapTokens} is null or ${t.rolloverCapTokens} > 0) and (${t.rolloverCapPercent} is null or ${t.rolloverCapPercent} between 1 and 100) and (${t.rolloverPeriods} is null or ${t.rolloverPeriods} between 1 and 120) and ((${t.rolloverCapTokens} is null and ${t.rolloverCapPercent} is null) = (${t.rolloverSince} is null))`
		)
	]
);

/** What one account has used of one allowance rule in one period. */
export const allowanceWindows = pgTable(
	'allowance_windows',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		accountId: uuid('account_id')
			.notNull()
			.references(() => accounts.id),
		ruleId: uuid('rule_id')
			.notNull()
			.references(() => allowanceRules.id),
		windowStart: ts('window_start').notNull(),
		windowEnd: ts('window_end'),
		limitTokens: tokens('limit_tokens'),
		used: tokens('used').notNull().default(0)
	},
	(t) => [
		uniqueIndex('allowance_windows_key_idx').on(t.accountId, t.ruleId, t.windowStart),
		index('allowance_windows_account_start_idx').on(t.accountId, t.windowStart),
		check('allowance_windows_used_check', sql`${t.used} >= 0 and (${t.limitTokens} is null or ${t.used} <= ${t.limitTokens})`)
	]
);

/** A spending limit per period that holds even when tokens are there. */
export const caps = pgTable(
	'caps',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		accountId: uuid('account_id')
			.notNull()
			.references(() => accounts.id),
		/** null: the whole account; set: one member's use of a team pool. */
		memberUserId: uuid('member_user_id').references(() => users.id),
		period: text('period', { enum: ['daily', 'weekly', 'monthly'] }).notNull(),
		/** null or -1 = none. */
		limitTokens: tokens('limit_tokens'),
		/** The account's own user when they set it themselves (Settings, an alert's one tap): theirs to change or remove. */
		setByUserId: uuid('set_by_user_id').references(() => users.id)
	},
	(t) => [uniqueIndex('caps_target_idx').on(t.accountId, sql`coalesce(${t.memberUserId}::text, '')`, t.period)]
);

/** One grant of tokens to an account. */
export const lots = pgTable(
	'lots',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		accountId: uuid('account_id')
			.notNull()
			.references(() => accounts.id),
		source: text('source', {
			enum: ['purchase', 'subscription', 'bonus', 'referral', 'event', 'admin', 'refund-reversal', 'rollover']
		}).notNull(),
		model: text('model').references(() => models.key),
		priority: integer('priority').notNull().default(0),
		amount: tokens('amount').notNull(),
		remaining: tokens('remaining').notNull(),
		unlimited: boolean('unlimited').notNull().default(false),
		expiresAt: ts('expires_at'),
		/** Set once the expiry entry has recorded what was lost. */
		expiredAt: ts('expired_at'),
		/** Set once its expiry was announced to host sites (`lot.expired`, ledger/events.ts). */
		expiryAnnouncedAt: ts('expiry_announced_at'),
		/**
		 * The tokens its `lot.expired` events have said it lost so far; null before the first. A job that
		 * held some of its tokens at its end gives them back later, they expire then, and the lot is
		 * announced again with those alone (0065).
		 */
		expiryAnnouncedTokens: tokens('expiry_announced_tokens'),
		/** What granted it (Paddle transaction and item, API idempotency key, …): grants at most once. */
		grantKey: text('grant_key').unique(),
		operationId: uuid('operation_id'),
		note: text('note'),
		createdAt: ts('created_at').notNull().defaultNow()
	},
	(t) => [
		index('lots_account_idx').on(t.accountId),
		// The lots for a model (a model's removal asks, 0067).
		index('lots_model_idx').on(t.model).where(sql`${t.model} is not null`),
		// Lots whose expiry passed since the figures' last refresh (0024).
		index('lots_expires_idx').on(t.expiresAt).where(sql`${t.expiresAt} is not null`),
		// The lots under a grant-key prefix as an index range, whatever the collation (0064, ledger/granted-under.ts).
		index('lots_grant_key_prefix_idx').using('btree', sql`${t.grantKey} text_pattern_ops`),
		index('lots_unannounced_idx').on(t.expiredAt).where(sql`${t.expiredAt} is not null and ${t.expiryAnnouncedAt} is null`),
		check('lots_remaining_check', sql`${t.remaining} >= 0 and ${t.remaining} <= ${t.amount}`),
		check('lots_amount_check', sql`${t.amount} >= 0`)
	]
);

export const holds = pgTable(
	'holds',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		accountId: uuid('account_id')
			.notNull()
			.references(() => accounts.id),
		operationId: uuid('operation_id').notNull(),
		feature: text('feature').notNull(),
		model: text('model'),
		amount: tokens('amount').notNull(),
		status: text('status', { enum: ['open', 'settled', 'released', 'expired'] }).notNull(),
		settledTokens: tokens('settled_tokens'),
		expiresAt: ts('expires_at').notNull(),
		closedAt: ts('closed_at'),
		/** When its `hold.expired` event was recorded (expired holds only; null until then). */
		expiryAnnouncedAt: ts('expiry_announced_at'),
		createdAt: ts('created_at').notNull().defaultNow()
	},
	(t) => [
		index('holds_open_idx').on(t.accountId, t.expiresAt).where(sql`${t.status} = 'open'`),
		index('holds_unannounced_idx').on(t.closedAt).where(sql`${t.status} = 'expired' and ${t.expiryAnnouncedAt} is null`)
	]
);

/** One request against the ledger: consume, hold, settle, release, grant, adjust, expire, clawback. */
export const operations = pgTable(
	'operations',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		accountId: uuid('account_id')
			.notNull()
			.references(() => accounts.id),
		kind: text('kind').notNull(),
		status: text('status', { enum: ['ok', 'refused'] }).notNull(),
		code: text('code'),
		feature: text('feature'),
		model: text('model'),
		units: numeric('units'),
		cost: tokens('cost').notNull().default(0),
		actorUserId: uuid('actor_user_id').references(() => users.id),
		actorKeyId: uuid('actor_key_id').references(() => apiKeys.id),
		holdId: uuid('hold_id'),
		idemScope: text('idem_scope'),
		idemKey: text('idem_key'),
		requestHash: text('request_hash'),
		response: jsonb('response'),
		/**
		 * After a consume or settle: what was spendable on its feature and model (the answer's
		 * `remaining`; null = unlimited). After a grant: the lots usable for its model. Not the
		 * account's balance, which the statement and the usage history work out (ledger/movements.ts).
		 */
		balanceAfter: tokens('balance_after'),
		metadata: jsonb('metadata'),
		createdAt: ts('created_at').notNull().defaultNow()
	},
	(t) => [
		uniqueIndex('operations_idem_idx').on(t.idemScope, t.idemKey),
		index('operations_history_idx')
			.on(t.accountId, t.createdAt.desc(), t.id.desc())
			.where(sql`${t.status} = 'ok' and ${t.kind} in ('consume', 'settle')`),
		// The statement's other movements (ledger/statement.ts); consumes stay out of it.
		index('operations_statement_idx')
			.on(t.accountId, t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst())
			.where(sql`${t.status} = 'ok' and ${t.kind} in ('grant', 'expire', 'clawback', 'adjust')`),
		// The admin's operations export: a date range in (created_at, id) order.
		index('operations_created_idx').on(t.createdAt, t.id),
		// What names a feature beside the daily rollup (a removal asks, 0043): holds and refusals, no charged consume.
		index('operations_feature_idx').on(t.feature).where(sql`${t.kind} = 'hold' or ${t.status} = 'refused'`),
		// What names a model likewise (a removal asks, 0067).
		index('operations_model_idx').on(t.model).where(sql`${t.model} is not null and (${t.kind} = 'hold' or ${t.status} = 'refused')`)
	]
);

/** Append-only: every change to a lot or an allowance window. */
export const entries = pgTable(
	'entries',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		operationId: uuid('operation_id').notNull(),
		accountId: uuid('account_id').notNull(),
		lotId: uuid('lot_id').references(() => lots.id),
		windowId: bigint('window_id', { mode: 'number' }).references(() => allowanceWindows.id),
		kind: text('kind').notNull(),
		amount: tokens('amount').notNull(),
		/** The lot's (or window's remaining) balance after this entry; null for unlimited. */
		balanceAfter: tokens('balance_after'),
		createdAt: ts('created_at').notNull().defaultNow()
	},
	(t) => [
		index('entries_operation_idx').on(t.operationId),
		// Partial: an entry has one of the two (fewer index writes per entry).
		index('entries_lot_idx').on(t.lotId).where(sql`${t.lotId} is not null`),
		index('entries_window_idx').on(t.windowId).where(sql`${t.windowId} is not null`),
		// A lot's expiry entries without its uses (a lot paid for a million: 0.9 s through entries_lot_idx): expired, ended, lost.
		index('entries_lot_expire_idx').on(t.lotId).where(sql`${t.kind} = 'expire'`),
		check('entries_target_check', sql`(${t.lotId} is null) <> (${t.windowId} is null)`)
	]
);

/** Daily rollup written in the same transaction as each use: keeps reports and caps O(days). */
export const usageDaily = pgTable(
	'usage_daily',
	{
		accountId: uuid('account_id').notNull(),
		day: date('day').notNull(),
		feature: text('feature').notNull(),
		model: text('model').notNull().default(''),
		actorUserId: text('actor_user_id').notNull().default(''),
		tokens: tokens('tokens').notNull().default(0),
		operations: integer('operations').notNull().default(0)
	},
	(t) => [
		primaryKey({ columns: [t.accountId, t.day, t.feature, t.model, t.actorUserId] }),
		// Which accounts used tokens on given days: the accounts a period rolls over for (0020).
		index('usage_daily_day_idx').on(t.day, t.accountId),
		// Whether and how often a feature was charged (a removal asks, 0043).
		index('usage_daily_feature_idx').on(t.feature),
		// Whether a model was charged (a removal asks, 0067).
		index('usage_daily_model_idx').on(t.model).where(sql`${t.model} <> ''`),
		// A person's use of team pools, whatever team they are in now (0051).
		index('usage_daily_actor_idx').on(t.actorUserId, t.day)
	]
);

/** One row per (rule, period) the rollover job has finished (0020). */
export const allowanceRolloverRuns = pgTable(
	'allowance_rollover_runs',
	{
		ruleId: uuid('rule_id')
			.notNull()
			.references(() => allowanceRules.id, { onDelete: 'cascade' }),
		windowStart: ts('window_start').notNull(),
		windowEnd: ts('window_end').notNull(),
		accounts: integer('accounts').notNull().default(0),
		tokens: tokens('tokens').notNull().default(0),
		doneAt: ts('done_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ name: 'allowance_rollover_runs_pk', columns: [t.ruleId, t.windowStart] })]
);

/** One row per (account, rule, period) rolled over: the claim, what was unused, what rolled over, its lot (0020). */
export const allowanceRollovers = pgTable(
	'allowance_rollovers',
	{
		accountId: uuid('account_id')
			.notNull()
			.references(() => accounts.id),
		ruleId: uuid('rule_id')
			.notNull()
			.references(() => allowanceRules.id, { onDelete: 'cascade' }),
		windowStart: ts('window_start').notNull(),
		windowEnd: ts('window_end').notNull(),
		/** The rollover lot; null when nothing rolled over (the cap was full). */
		lotId: uuid('lot_id').references(() => lots.id),
		unused: tokens('unused').notNull(),
		tokens: tokens('tokens').notNull(),
		createdAt: ts('created_at').notNull().defaultNow()
	},
	(t) => [
		primaryKey({ name: 'allowance_rollovers_pk', columns: [t.accountId, t.ruleId, t.windowStart] }),
		uniqueIndex('allowance_rollovers_lot_idx').on(t.lotId),
		check('allowance_rollovers_tokens_check', sql`${t.tokens} >= 0 and ${t.tokens} <= ${t.unused} and (${t.tokens} > 0) = (${t.lotId} is not null)`)
	]
);

/**
 * Per user or team account, the figures the admin's users list sorts by, as of the last refresh
 * (ledger/figures-summary.ts), one index per sort (0024). Not written by quota_spend.
 */
export const accountFigures = pgTable(
	'account_figures',
	{
		accountId: uuid('account_id')
			.primaryKey()
			.references(() => accounts.id),
		balance: tokens('balance').notNull().default(0),
		generalBalance: tokens('general_balance').notNull().default(0),
		unlimited: boolean('unlimited').notNull().default(false),
		usedThisMonth: tokens('used_this_month').notNull().default(0),
		lastActiveDay: date('last_active_day'),
		asOf: ts('as_of').notNull().defaultNow()
	},
	(t) => [
		index('account_figures_balance_idx').on(t.balance, t.accountId),
		index('account_figures_used_idx').on(t.usedThisMonth, t.accountId),
		index('account_figures_active_idx').on(sql`coalesce(${t.lastActiveDay}, date '0001-01-01')`, t.accountId)
	]
);

/** The figures refresh's one row: when it last ran, the site month of its use figures, its cursor over operations, its last full run (0024). */
export const accountFiguresRefresh = pgTable(
	'account_figures_refresh',
	{
		id: smallint('id').primaryKey().default(1),
		asOf: ts('as_of'),
		month: date('month'),
		cursor: ts('cursor'),
		fullAt: ts('full_at')
	},
	(t) => [check('account_figures_refresh_id_check', sql`${t.id} = 1`)]
);

/** Spending (consumes and settles) per account and UTC clock hour over the last 8 days, rebuilt by the figures refresh (0024). */
export const usageHourly = pgTable(
	'usage_hourly',
	{
		accountId: uuid('account_id').notNull(),
		hour: ts('hour').notNull(),
		tokens: tokens('tokens').notNull()
	},
	(t) => [primaryKey({ columns: [t.accountId, t.hour] })]
);
