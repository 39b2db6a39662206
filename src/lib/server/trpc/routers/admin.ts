import { z } from 'zod';
import { catalogKey } from '../../fields';
import { router, type Context } from '../init';
import { siteAdminProcedure } from '../procedures';
import type { Auth } from '../../accounts';
import type { Executor } from '../../db';
import { accountDetail, adjustAccountBalance, auditActions, auditedChange, grantBonus, listAccounts, listAudit, setUserDisabled, type AdminActor } from '../../admin';
import { setSiteRole } from '../../accounts';
import { adminSiteRoutes } from './admin-site';
import { siteDaily } from '../../reports';
import {
	getSiteSettings,
	listAllowanceRules,
	listFeatures,
	reconcile,
	setAllowanceRule,
	setCap,
	updateSiteSettings,
	upsertFeature,
	upsertModel,
	upsertModule,
	MAX_TOKENS
} from '../../ledger';

type AdminContext = Context & { auth: Auth };
const actor = (ctx: AdminContext): AdminActor => ({ userId: ctx.auth.user.id, ip: ctx.ip });

/** Saves one keyed thing (feature, module, model) with an audit entry of what was asked. */
const savedByKey =
	<T extends { key: string }>(action: string, targetType: string, save: (tx: Executor, input: T) => Promise<void>) =>
	({ ctx, input }: { ctx: AdminContext; input: T }) =>
		auditedChange(ctx.db, actor(ctx), { action, targetType, targetId: input.key, detail: input }, (tx) => save(tx, input));

const key = catalogKey;
const name = z.string().trim().min(1).max(120);
const tokens = z.number().int().min(0).max(MAX_TOKENS);
/** A keyset page cursor made by the list it goes back to. */
const cursor = z.string().max(400);
/** null = unlimited / none. */
const limit = tokens.nullable();

const siteSettingsInput = z
	.object({
		timeZone: z.string().max(64),
		weekStart: z.number().int().min(0).max(6),
		spendOrder: z.enum(['allowance-first', 'balance-first']),
		lowSharePercent: z.number().int().min(1).max(99),
		defaultTeamDailyCap: limit
	})
	.partial()
	.strict();

const featureInput = z
	.object({
		key,
		name,
		module: key,
		unit: z.enum(['word', 'character', 'token', 'operation']),
		tokensPerUnit: z.number().positive().max(1_000_000),
		breakdown: z.array(z.object({ label: name, tokens })).max(50).nullish(),
		enabled: z.boolean().default(true)
	})
	.strict();

const moduleInput = z
	.object({ key, name, limitMessage: z.string().trim().min(1).max(500), onExhausted: z.enum(['message', 'inactive']).default('message') })
	.strict();

const modelInput = z.object({ key, name, engine: z.string().trim().min(1).max(60) }).strict();

const allowanceInput = z
	.object({
		module: key,
		audience: z.enum(['guest', 'user', 'role', 'team', 'member']),
		role: z.string().max(60).nullish(),
		teamId: z.uuid().nullish(),
		userId: z.uuid().nullish(),
		limitTokens: limit,
		period: z.enum(['daily', 'weekly', 'monthly', 'never'])
	})
	.strict();

const capInput = z
	.object({
		accountId: z.uuid(),
		memberUserId: z.uuid().nullish(),
		period: z.enum(['daily', 'weekly', 'monthly']),
		/** null or -1 removes the cap. */
		limitTokens: z.number().int().min(-1).max(MAX_TOKENS).nullable()
	})
	.strict();

export const adminRouter = router({
	...adminSiteRoutes, // catalog, campaigns, payments, roles (routers/admin-site.ts)
	settings: router({
		get: siteAdminProcedure.query(({ ctx }) => getSiteSettings(ctx.db.orm)),
		update: siteAdminProcedure
			.input(siteSettingsInput)
			.mutation(({ ctx, input }) =>
				auditedChange(ctx.db, actor(ctx), { action: 'site.settings_updated', targetType: 'site', targetId: null, detail: input, before: getSiteSettings }, (tx) =>
					updateSiteSettings(tx, input)
				)
			)
	}),

	features: router({
		list: siteAdminProcedure.query(({ ctx }) => listFeatures(ctx.db.orm)),
		upsert: siteAdminProcedure.input(featureInput).mutation(savedByKey('rates.feature_saved', 'feature', upsertFeature))
	}),

	modules: router({
		upsert: siteAdminProcedure.input(moduleInput).mutation(savedByKey('rates.module_saved', 'module', upsertModule))
	}),

	models: router({
		upsert: siteAdminProcedure.input(modelInput).mutation(savedByKey('rates.model_saved', 'model', upsertModel))
	}),

	allowances: router({
		list: siteAdminProcedure.query(({ ctx }) => listAllowanceRules(ctx.db.orm)),
		set: siteAdminProcedure
			.input(allowanceInput)
			.mutation(({ ctx, input }) =>
				auditedChange(ctx.db, actor(ctx), { action: 'allowance.set', targetType: 'module', targetId: input.module, detail: input }, (tx) => setAllowanceRule(tx, input))
			)
	}),

	caps: router({
		set: siteAdminProcedure
			.input(capInput)
			.mutation(({ ctx, input }) =>
				auditedChange(ctx.db, actor(ctx), { action: 'cap.set', targetType: 'account', targetId: input.accountId, accountId: input.accountId, detail: input }, (tx) =>
					setCap(tx, input)
				)
			)
	}),

	users: router({
		/** Users and teams with balances and this month's use, 50 a page by keyset; guests as one row per module. */
		list: siteAdminProcedure
			.input(
				z
					.object({
						search: z.string().max(200).nullish(),
						sort: z.enum(['name', 'balance', 'used', 'lastActive', 'joined']).default('name'),
						dir: z.enum(['asc', 'desc']).default('asc'),
						cursor: cursor.nullish()
					})
					.strict()
			)
			.query(({ ctx, input }) => listAccounts(ctx.db.orm, input)),

		/** One account for the detail page: who, lots, caps, the newest operations, and the site's roles. */
		get: siteAdminProcedure.input(z.object({ accountId: z.uuid() }).strict()).query(({ ctx, input }) => accountDetail(ctx.db.orm, input.accountId)),

		/** A bonus lot (optional model, optional expiry, a note), audited, once per key made on the admin's device. */
		grantBonus: siteAdminProcedure
			.input(
				z
					.object({
						accountId: z.uuid(),
						tokens: z.number().int().min(1).max(MAX_TOKENS),
						model: key.nullish(),
						expiresAt: z.iso.datetime({ offset: true }).nullish(),
						note: z.string().trim().min(1, 'Add a note.').max(500),
						key: z.string().min(8).max(100)
					})
					.strict()
			)
			.mutation(({ ctx, input }) => grantBonus(ctx.db, actor(ctx), { ...input, expiresAt: input.expiresAt ? new Date(input.expiresAt) : null })),

		/** A user's site role (`admin`, or a member role that role-based allowances key on), audited. */
		setRole: siteAdminProcedure
			.input(z.object({ userId: z.uuid(), role: z.string().max(60) }).strict())
			.mutation(({ ctx, input }) => setSiteRole(ctx.db, { userId: ctx.auth.user.id, siteRole: ctx.auth.user.siteRole, ip: ctx.ip }, input.userId, input.role)),

		/** Disables a user (no sign-in, sessions and own keys stop) or enables them again, audited. */
		setDisabled: siteAdminProcedure
			.input(z.object({ userId: z.uuid(), disabled: z.boolean() }).strict())
			.mutation(({ ctx, input }) => setUserDisabled(ctx.db, actor(ctx), input.userId, input.disabled)),

		/** A manual balance change with a reason, audited, once per key made on the admin's device. */
		adjustBalance: siteAdminProcedure
			.input(
				z
					.object({
						accountId: z.uuid(),
						mode: z.enum(['set', 'delta']),
						tokens: z.number().int().min(-MAX_TOKENS).max(MAX_TOKENS),
						reason: z.string().trim().min(1, 'A reason is required.').max(500),
						key: z.string().min(8).max(100)
					})
					.strict()
			)
			.mutation(({ ctx, input }) => adjustAccountBalance(ctx.db, actor(ctx), input))
	}),

	audit: router({
		/** The audit log newest first, 50 a page, filtered by actor, action, account and site-local dates. */
		list: siteAdminProcedure
			.input(
				z
					.object({
						actor: z.string().max(200).nullish(),
						action: z.string().max(100).nullish(),
						account: z.string().max(200).nullish(),
						from: z.iso.date().nullish(),
						to: z.iso.date().nullish(),
						cursor: cursor.nullish()
					})
					.strict()
			)
			.query(({ ctx, input }) => listAudit(ctx.db.orm, input)),
		/** The action names the log holds, for the filter. */
		actions: siteAdminProcedure.query(({ ctx }) => auditActions(ctx.db.orm))
	}),

	reports: router({
		/** Site-wide consumption per day (all accounts) and per module, for the usage chart. */
		siteDaily: siteAdminProcedure
			.input(z.object({ from: z.iso.date(), to: z.iso.date() }).strict())
			.query(({ ctx, input }) => siteDaily(ctx.db.orm, input))
	}),

	ledger: router({
		/** Checks every ledger invariant over the whole database; returns the breaches found. */
		reconcile: siteAdminProcedure.mutation(({ ctx }) => reconcile(ctx.db.orm))
	})
});
