import { sql } from 'drizzle-orm';
import {
	bigint,
	bigserial,
	boolean,
	check,
	index,
	inet,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	text,
	timestamp,
	uniqueIndex,
	uuid
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** Who holds tokens: a user, a team (shared pool) or a guest. Its row is the consume lock. */
export const accounts = pgTable(
	'accounts',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		kind: text('kind', { enum: ['user', 'team', 'guest'] }).notNull(),
		name: text('name').notNull(),
		createdAt: createdAt()
	},
	// The audit log's account filter by part of a name (0024).
	(t) => [index('accounts_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`)]
);

export const users = pgTable(
	'users',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		accountId: uuid('account_id')
			.notNull()
			.unique()
			.references(() => accounts.id),
		email: text('email').unique(),
		/** When the user opened a link mailed to `email` (accounts/address-confirmation.ts); null: nothing is mailed to it but that link and a password reset. */
		emailConfirmedAt: timestamp('email_confirmed_at', { withTimezone: true }),
		name: text('name').notNull(),
		passwordHash: text('password_hash'),
		/** `admin`, or a member role that role-based allowances key on. */
		siteRole: text('site_role').notNull().default('subscriber'),
		/** The host site's own user id, for users first seen through the metering API. */
		externalId: text('external_id').unique(),
		timeZone: text('time_zone'),
		disabledAt: timestamp('disabled_at', { withTimezone: true }),
		/** When they last used the app: a sign-in, or a signed-in request (as often as sessions are touched). */
		lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
		createdAt: createdAt()
	},
	(t) => [
		index('users_site_role_idx').on(t.siteRole),
		// The admin console pages users by (sort value, account): by name or by when they joined.
		index('users_name_idx').on(sql`lower(${t.name})`, t.accountId),
		index('users_created_idx').on(t.createdAt, t.accountId),
		// The users list's search, ILIKE '%…%' (0024).
		index('users_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
		index('users_email_trgm_idx').using('gin', sql`${t.email} gin_trgm_ops`),
		index('users_external_id_trgm_idx').using('gin', sql`${t.externalId} gin_trgm_ops`)
	]
);

export const sessions = pgTable(
	'sessions',
	{
		/** SHA-256 of the cookie token; the token itself is never stored. */
		id: text('id').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id),
		createdAt: createdAt(),
		lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		ip: text('ip'),
		userAgent: text('user_agent')
	},
	(t) => [index('sessions_user_idx').on(t.userId)]
);

export const teams = pgTable(
	'teams',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		accountId: uuid('account_id')
			.notNull()
			.unique()
			.references(() => accounts.id),
		name: text('name').notNull(),
		createdBy: uuid('created_by').references(() => users.id),
		createdAt: createdAt()
	},
	(t) => [
		index('teams_name_idx').on(sql`lower(${t.name})`, t.accountId),
		index('teams_created_idx').on(t.createdAt, t.accountId),
		index('teams_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`)
	]
);

export const teamMembers = pgTable(
	'team_members',
	{
		teamId: uuid('team_id')
			.notNull()
			.references(() => teams.id),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id),
		role: text('role', { enum: ['owner', 'admin', 'member'] }).notNull(),
		joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.teamId, t.userId] }), index('team_members_user_idx').on(t.userId)]
);

export const teamInvites = pgTable('team_invites', {
	id: uuid('id').primaryKey().defaultRandom(),
	teamId: uuid('team_id')
		.notNull()
		.references(() => teams.id),
	email: text('email').notNull(),
	role: text('role', { enum: ['admin', 'member'] }).notNull(),
	tokenHash: text('token_hash').notNull().unique(),
	invitedBy: uuid('invited_by').references(() => users.id),
	expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
	acceptedAt: timestamp('accepted_at', { withTimezone: true }),
	/** When a team's owner or admin withdrew it; its link then says so. */
	revokedAt: timestamp('revoked_at', { withTimezone: true }),
	createdAt: createdAt()
});

/** An anonymous visitor, known by the id in its signed cookie (or the host site's guest id). */
export const guests = pgTable('guests', {
	id: text('id').primaryKey(),
	accountId: uuid('account_id')
		.notNull()
		.unique()
		.references(() => accounts.id),
	createdAt: createdAt()
});

export const apiKeys = pgTable(
	'api_keys',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		name: text('name').notNull(),
		/** site: may act for any account; account: only for its own account. */
		kind: text('kind', { enum: ['site', 'account'] }).notNull(),
		accountId: uuid('account_id').references(() => accounts.id),
		prefix: text('prefix').notNull(),
		/** SHA-256 of the whole key (keys are 256-bit random, so a fast hash is enough). */
		hash: text('hash').notNull().unique(),
		scopes: text('scopes').array().notNull(),
		createdBy: uuid('created_by').references(() => users.id),
		createdAt: createdAt(),
		lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
		revokedAt: timestamp('revoked_at', { withTimezone: true }),
		/** Paused by its owner (e.g. from an anomaly flag): refused until resumed; unlike revoking, undone with one tap. */
		pausedAt: timestamp('paused_at', { withTimezone: true })
	},
	(t) => [index('api_keys_account_idx').on(t.accountId)]
);

export const passwordResets = pgTable('password_resets', {
	tokenHash: text('token_hash').primaryKey(),
	userId: uuid('user_id')
		.notNull()
		.references(() => users.id),
	expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
	usedAt: timestamp('used_at', { withTimezone: true }),
	createdAt: createdAt()
});

/** One-time links that show an address is its user's (sign-up, an address change, a resend); SHA-256 of the token. */
export const addressConfirmations = pgTable(
	'address_confirmations',
	{
		tokenHash: text('token_hash').primaryKey(),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id, { onDelete: 'cascade' }),
		/** The address the link was mailed to: it confirms that one only, should the user change it meanwhile. */
		email: text('email').notNull(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		usedAt: timestamp('used_at', { withTimezone: true }),
		createdAt: createdAt()
	},
	(t) => [index('address_confirmations_user_idx').on(t.userId)]
);

/** Append-only (a trigger rejects UPDATE and DELETE). */
export const auditLog = pgTable(
	'audit_log',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
		actorUserId: uuid('actor_user_id'),
		actorKeyId: uuid('actor_key_id'),
		action: text('action').notNull(),
		targetType: text('target_type'),
		targetId: text('target_id'),
		accountId: uuid('account_id'),
		ip: inet('ip'),
		/** What the actor was as the entry was written (accounts/audit.ts `actorKind`, drizzle/0035); null for someone not signed in. */
		actorKind: text('actor_kind'),
		before: jsonb('before'),
		after: jsonb('after'),
		detail: jsonb('detail')
	},
	(t) => [
		check('audit_log_actor_kind_check', sql`${t.actorKind} in ('admin', 'user', 'key', 'system')`),
		// The admin audit page: newest first by (at, id), in all, within one account, actor or action (drizzle/0033).
		index('audit_log_at_id_idx').on(t.at, t.id),
		index('audit_log_account_at_idx').on(t.accountId, t.at, t.id),
		index('audit_log_actor_at_idx').on(t.actorUserId, t.at, t.id),
		index('audit_log_action_at_idx').on(t.action, t.at, t.id)
	]
);

/** Fixed-window counters shared by every app process. */
export const rateLimits = pgTable('rate_limits', {
	key: text('key').primaryKey(),
	windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
	count: integer('count').notNull()
});

export const userSettings = pgTable('user_settings', {
	userId: uuid('user_id')
		.primaryKey()
		.references(() => users.id),
	emailAlerts: boolean('email_alerts').notNull().default(true),
	/** Which account the dashboard and the playground draw from: personal or a team pool. */
	activeAccountId: uuid('active_account_id').references(() => accounts.id),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});

export const appliedClientWrites = pgTable('applied_client_writes', {
	/** A device-made idempotency key for a write queued offline. */
	key: text('key').primaryKey(),
	userId: uuid('user_id').notNull(),
	appliedAt: timestamp('applied_at', { withTimezone: true }).notNull().defaultNow(),
	result: jsonb('result'),
	/** The write's request hash: one key = one change. */
	requestHash: text('request_hash')
});

export const notifications = pgTable(
	'notifications',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		accountId: uuid('account_id').notNull(),
		userId: uuid('user_id'),
		kind: text('kind').notNull(),
		/** One alert per kind per account and crossing; reset when the balance recovers. */
		dedupeKey: text('dedupe_key').notNull(),
		sentAt: timestamp('sent_at', { withTimezone: true }).notNull().defaultNow(),
		detail: jsonb('detail'),
		balance: bigint('balance', { mode: 'number' }),
		/** When the user marked it read in the inbox; null = unread. */
		readAt: timestamp('read_at', { withTimezone: true })
	},
	(t) => [
		uniqueIndex('notifications_dedupe_idx').on(t.dedupeKey),
		index('notifications_account_idx').on(t.accountId),
		index('notifications_user_idx').on(t.userId, t.sentAt.desc()),
		index('notifications_unread_idx').on(t.userId).where(sql`read_at is null`)
	]
);

/**
 * An account's alert steps (shares of its allocation and fixed numbers of tokens, descending) and whether running out is
 * alerted. No row = the default steps (20%, 10%, 5%, depleted; seeds 002 and 003).
 */
export const alertSettings = pgTable(
	'alert_settings',
	{
		accountId: uuid('account_id')
			.primaryKey()
			.references(() => accounts.id),
		shareSteps: integer('share_steps').array().notNull(),
		/** Fixed-number steps in tokens, descending ("below 500 tokens"); issue 17.1. */
		tokenSteps: bigint('token_steps', { mode: 'number' }).array().notNull().default(sql`'{}'`),
		depleted: boolean('depleted').notNull().default(true),
		updatedBy: uuid('updated_by').references(() => users.id),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		check('alert_settings_share_steps_check', sql`cardinality(${t.shareSteps}) <= 5 and 1 <= all(${t.shareSteps}) and 99 >= all(${t.shareSteps})`),
		check('alert_settings_token_steps_check', sql`cardinality(${t.tokenSteps}) <= 5 and 1 <= all(${t.tokenSteps})`)
	]
);

/**
 * The alert stage last reached per account and recipient ('ok', 'share:<percent>', 'depleted')
 * and the tokens left then. `generation` goes up each time a top-up lifts the stage again, so the
 * next drop is a new crossing with a new dedupe key.
 */
export const alertStates = pgTable(
	'alert_states',
	{
		accountId: uuid('account_id')
			.notNull()
			.references(() => accounts.id),
		userId: uuid('user_id')
			.notNull()
			.references(() => users.id),
		stage: text('stage').notNull(),
		tokensLeft: bigint('tokens_left', { mode: 'number' }),
		/** The allocation when the stage was reached, in tokens: a share step is compared with a token step at it. */
		base: bigint('base', { mode: 'number' }),
		/** The allocation at the last evaluation that saw it change, in tokens: the base the next change is measured by (alerts/level.ts). */
		lastBase: bigint('last_base', { mode: 'number' }),
		/** The free allowances' part of `last_base` (alerts/level.ts measuredShare): it follows their rules, not uses. */
		lastAllowanceBase: bigint('last_allowance_base', { mode: 'number' }),
		generation: integer('generation').notNull().default(0),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.accountId, t.userId] })]
);

