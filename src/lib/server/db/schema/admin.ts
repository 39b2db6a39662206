import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { teams, users } from './accounts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** The site's roles: what a user's `site_role` and role-based allowances pick from; `admin` opens the console. */
export const siteRoles = pgTable('site_roles', {
	key: text('key').primaryKey(),
	name: text('name').notNull(),
	description: text('description').notNull().default(''),
	createdAt: ts('created_at').notNull().defaultNow()
});

/** An event bonus to every user, a role's users or a team's pool: one lot per account reached, once each. */
export const campaigns = pgTable(
	'campaigns',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		createdBy: uuid('created_by')
			.notNull()
			.references(() => users.id),
		/** Made by the admin's device: a resubmitted campaign is the same campaign. */
		key: text('key').notNull(),
		audience: text('audience', { enum: ['all', 'role', 'team'] }).notNull(),
		role: text('role'),
		teamId: uuid('team_id').references(() => teams.id),
		tokens: bigint('tokens', { mode: 'number' }).notNull(),
		model: text('model'),
		expiresAt: ts('expires_at'),
		note: text('note').notNull(),
		/** Whether its notices (reached, expiry moved, ended) also go by e-mail to those whose e-mail alerts are on (0066); the in-app alert always goes. */
		byEmail: boolean('by_email').notNull().default(true),
		/** Accounts granted so far. */
		reached: integer('reached').notNull().default(0),
		createdAt: ts('created_at').notNull().defaultNow(),
		/** Set when every account of the audience had its lot. */
		finishedAt: ts('finished_at'),
		/** Set when an admin ended it early (0064): its lots' unspent tokens expired then, and it grants no more. */
		endedAt: ts('ended_at'),
		endedBy: uuid('ended_by').references(() => users.id)
	},
	(t) => [
		uniqueIndex('campaigns_key_idx').on(t.createdBy, t.key),
		index('campaigns_created_idx').on(t.createdAt.desc(), t.id.desc()),
		check('campaigns_tokens_check', sql`${t.tokens} > 0`),
		check('campaigns_audience_check', sql`${t.audience} in ('all', 'role', 'team')`)
	]
);
