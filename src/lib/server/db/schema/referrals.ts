import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, index, integer, jsonb, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { accounts, apiKeys, users } from './accounts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** The site's referral rules (one row; none = referrals off). Tokens per side; expiry in days (null = never). */
export const referralSettings = pgTable(
	'referral_settings',
	{
		id: smallint('id').primaryKey().default(1),
		enabled: boolean('enabled').notNull().default(false),
		referrerTokens: bigint('referrer_tokens', { mode: 'number' }).notNull().default(0),
		referredTokens: bigint('referred_tokens', { mode: 'number' }).notNull().default(0),
		/** The bonus waits for the referred member's first purchase. */
		requirePurchase: boolean('require_purchase').notNull().default(false),
		expiresDays: integer('expires_days'),
		/** Referrals one member may be rewarded for per 24 hours (and sign-ups rewarded per network address). */
		dailyLimit: integer('daily_limit').notNull().default(10),
		updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
		updatedAt: ts('updated_at').notNull().defaultNow()
	},
	(t) => [
		check('referral_settings_one_row', sql`${t.id} = 1`),
		check(
			'referral_settings_figures',
			sql`${t.referrerTokens} >= 0 and ${t.referredTokens} >= 0 and (${t.expiresDays} is null or ${t.expiresDays} between 1 and 3650) and ${t.dailyLimit} between 1 and 1000`
		)
	]
);

/** A member's referral code, made the first time they ask for their link. */
export const referralCodes = pgTable(
	'referral_codes',
	{
		userId: uuid('user_id')
			.primaryKey()
			.references(() => users.id, { onDelete: 'cascade' }),
		code: text('code').notNull(),
		createdAt: ts('created_at').notNull().defaultNow()
	},
	(t) => [uniqueIndex('referral_codes_code_idx').on(t.code)]
);

/** One referral per new account: pending (waits for a first purchase), granted, or refused with the reason. */
export const referrals = pgTable(
	'referrals',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		referrerUserId: uuid('referrer_user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		referredUserId: uuid('referred_user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		status: text('status', { enum: ['pending', 'granted', 'refused'] }).notNull(),
		reason: text('reason'),
		signupIp: text('signup_ip'),
		createdAt: ts('created_at').notNull().defaultNow(),
		settledAt: ts('settled_at')
	},
	(t) => [
		uniqueIndex('referrals_referred_idx').on(t.referredUserId),
		index('referrals_referrer_idx').on(t.referrerUserId, t.createdAt),
		index('referrals_ip_idx').on(t.signupIp, t.createdAt),
		check('referrals_status_check', sql`${t.status} in ('pending', 'granted', 'refused')`)
	]
);

/** An anomaly episode of an account (and one of its keys): open while over its threshold, closed an hour after it last was. */
export const anomalyFlags = pgTable(
	'anomaly_flags',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		accountId: uuid('account_id')
			.notNull()
			.references(() => accounts.id),
		apiKeyId: uuid('api_key_id').references(() => apiKeys.id),
		kind: text('kind', { enum: ['spike', 'depletion', 'new_key', 'refusals'] }).notNull(),
		/** The event the flag is an episode of (anomalies/rules.ts `episodeOf`): one open flag per account, key and event. */
		episode: text('episode', { enum: ['fast_use', 'new_key', 'refusals'] }).notNull(),
		figures: jsonb('figures').notNull(),
		/** The daily cap suggested when the flag opened, in tokens (null: none to suggest), once `capSuggestionKept` (flags opened before 0039 kept none). */
		suggestedDailyCap: bigint('suggested_daily_cap', { mode: 'number' }),
		capSuggestionKept: boolean('cap_suggestion_kept').notNull().default(false),
		openedAt: ts('opened_at').notNull().defaultNow(),
		lastOverAt: ts('last_over_at').notNull().defaultNow(),
		closedAt: ts('closed_at')
	},
	(t) => [
		uniqueIndex('anomaly_flags_open_idx').on(t.accountId, sql`coalesce(${t.apiKeyId}::text, '')`, t.episode).where(sql`${t.closedAt} is null`),
		index('anomaly_flags_recent_idx').on(t.openedAt.desc()),
		check('anomaly_flags_kind_check', sql`${t.kind} in ('spike', 'depletion', 'new_key', 'refusals')`)
	]
);
