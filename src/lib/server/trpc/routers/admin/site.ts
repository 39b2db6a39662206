// The console's Catalog, Bonuses (event bonuses, referral rules), Payments and Roles procedures (site admins only), mounted under
// `admin` by routers/admin.ts. Thin: the work is in store/, admin/ and accounts/.
import { z } from 'zod';
import { router, type Context } from '../../init';
import { siteAdminProcedure, noInput } from '../../procedures';
import { atMostCharacters, catalogKey, readableText, siteDay } from '../../../fields';
import { deleteSiteRole, listSiteRoles, saveSiteRole, type Auth } from '../../../accounts';
import { applyCampaign, campaignFigures, campaignReach, changeCampaignExpiry, endCampaign, listCampaigns, listPaymentEvents, siteDayExpiry, startCampaign, type AdminActor } from '../../../admin';
import { catalogPreview, catalogProviders, deleteProduct, listed, paymentProvider, productRequest, reorderProducts, savingsPreview, setProductActive } from '../../../store';
import { MAX_TOKENS } from '../../../ledger';
import { PAYMENT_FILTERS, accountIdWords } from '../../../../payments-filter';
import { isUuid } from '../../../../uuid';
import { SEARCH_MAX } from '../../../../search-text';

const actor = (ctx: Context & { auth: Auth }): AdminActor => ({ userId: ctx.auth.user.id, ip: ctx.ip });
const productId = z.string().min(1).max(64);
const roleKey = z.string().max(60);

const audiences = {
	all: z.strictObject({ audience: z.literal('all') }),
	role: z.strictObject({ audience: z.literal('role'), role: roleKey }),
	team: z.strictObject({ audience: z.literal('team'), teamId: z.uuid() })
};
const campaignAudience = z.discriminatedUnion('audience', [audiences.all, audiences.role, audiences.team]);

/** What a campaign gives, beside its audience: one object per audience, so each refuses a key it does not take (an intersection of two strict objects would refuse each other's). */
const campaignFields = {
	tokens: z.number().int().min(1).max(MAX_TOKENS),
	model: catalogKey.nullish(),
	/** The day (YYYY-MM-DD) of the site's calendar at whose end it expires; none: never. */
	expiresOn: siteDay.nullish(),
	note: readableText(atMostCharacters(z.string().trim().min(1, 'Add a note.'), 500)),
	/** false: its notices go to the members' alerts in the app only, not by e-mail. Default true. */
	byEmail: z.boolean().optional(),
	key: z.string().min(8).max(100)
};
const campaignInput = z.discriminatedUnion('audience', [audiences.all.extend(campaignFields), audiences.role.extend(campaignFields), audiences.team.extend(campaignFields)]);

export const adminSiteRoutes = {
	catalog: router({
		/** What a buyer sees in the store in one Paddle environment (active packages as offers). */
		preview: siteAdminProcedure
			.input(z.strictObject({ environment: z.enum(['sandbox', 'production']) }))
			.query(({ ctx, input }) => catalogPreview(ctx.db.orm, input.environment)),
		/** The Paddle environment this site sells through, and whether through the local simulator (null: payments not configured): "Add package" makes the package's price there. */
		sellsIn: siteAdminProcedure.input(noInput).query(async () => {
			const provider = await paymentProvider();
			return provider && { environment: provider.environment, simulator: provider.browserCheckout().kind === 'simulator' };
		}),
		/** The other packages whose "Save N%" saving this package would change (before → after), asked before saving. */
		savings: siteAdminProcedure.input(productRequest).query(({ ctx, input }) => savingsPreview(ctx.db.orm, input)),
		/** The store's order of the packages: every package id once. */
		reorder: siteAdminProcedure
			.input(z.strictObject({ ids: z.array(productId).min(1).max(500) }))
			.mutation(({ ctx, input }) => reorderProducts(ctx.db.orm, actor(ctx), input.ids)),
		/** Puts a package on sale or takes it off; answers it as the list shows it (`notInStore`: why buyers still cannot buy it). */
		setActive: siteAdminProcedure
			.input(z.strictObject({ id: productId, active: z.boolean() }))
			.mutation(async ({ ctx, input }) => listed(await setProductActive(ctx.db.orm, actor(ctx), input.id, input.active), await paymentProvider())),
		/** Deletes a package never ordered, once what Paddle holds for it is archived; one ordered stays: `conflict`, saying to take it off sale. */
		remove: siteAdminProcedure
			.input(z.strictObject({ id: productId }))
			.mutation(async ({ ctx, input }) => deleteProduct(ctx.db.orm, actor(ctx), input.id, await catalogProviders()))
	}),

	campaigns: router({
		/** Campaigns newest first, with the accounts each reached. */
		list: siteAdminProcedure.input(noInput).query(({ ctx }) => listCampaigns(ctx.db.orm)),
		/** How many accounts a campaign to this audience reaches if it goes out now (asked before `start`, to confirm). */
		reach: siteAdminProcedure.input(campaignAudience).query(({ ctx, input }) => campaignReach(ctx.db.orm, input)),
		/** An event bonus to all users, a role or a team; the same key again carries the same campaign on. */
		start: siteAdminProcedure
			.input(campaignInput)
			.mutation(async ({ ctx, input: { expiresOn, ...input } }) => startCampaign(ctx.db, actor(ctx), { ...input, ...(await siteDayExpiry(ctx.db.orm, expiresOn)) })),
		/** Grants the campaign to accounts of its audience that do not have it yet (joined since, or a run that stopped). */
		applyAgain: siteAdminProcedure.input(z.strictObject({ id: z.uuid() })).mutation(({ ctx, input }) => applyCampaign(ctx.db, actor(ctx), input.id)),
		/** What became of a campaign's tokens: granted, used, left and expired, and the lots still counting. */
		figures: siteAdminProcedure.input(z.strictObject({ id: z.uuid() })).query(({ ctx, input }) => campaignFigures(ctx.db.orm, input.id)),
		/** A new expiry for the campaign and the lots of it still counting: the end of a day of the site's calendar, or null: never. */
		changeExpiry: siteAdminProcedure
			.input(z.strictObject({ id: z.uuid(), expiresOn: siteDay.nullable() }))
			.mutation(async ({ ctx, input }) => changeCampaignExpiry(ctx.db, actor(ctx), input.id, (await siteDayExpiry(ctx.db.orm, input.expiresOn)).expiresAt)),
		/** Ends the campaign now: what is left of each account's lot expires, and it grants no more. Sent again, ends only what is left. */
		end: siteAdminProcedure.input(z.strictObject({ id: z.uuid() })).mutation(({ ctx, input }) => endCampaign(ctx.db, actor(ctx), input.id))
	}),

	payments: router({
		/** Received Paddle webhook events, flagged ones (for a person) first, with the order and account each touched; `account` keeps one account's, `search` those of accounts by name or e-mail. */
		list: siteAdminProcedure
			.input(
				z.strictObject({
					outcome: z.enum(PAYMENT_FILTERS).nullish(),
					account: z.string().max(100).refine(isUuid, { error: (i) => accountIdWords(String(i.input)) }).nullish(),
					search: atMostCharacters(z.string(), SEARCH_MAX).nullish(),
					cursor: z.string().max(400).nullish()
				})
			)
			.query(({ ctx, input }) => listPaymentEvents(ctx.db.orm, input))
	}),

	roles: router({
		/** The site's roles with how many users hold each. */
		list: siteAdminProcedure.input(noInput).query(({ ctx }) => listSiteRoles(ctx.db.orm)),
		save: siteAdminProcedure
			.input(z.strictObject({ key: roleKey, name: readableText(atMostCharacters(z.string(), 60)), description: readableText(atMostCharacters(z.string(), 300)).optional(), isNew: z.boolean() }))
			.mutation(({ ctx, input }) => saveSiteRole(ctx.db, actor(ctx), input)),
		delete: siteAdminProcedure.input(z.strictObject({ key: roleKey })).mutation(({ ctx, input }) => deleteSiteRole(ctx.db, actor(ctx), input.key))
	})
};
