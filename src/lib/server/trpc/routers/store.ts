import { z } from 'zod';
import { router } from '../init';
import { memberProcedure, siteAdminProcedure, noInput } from '../procedures';
import { rateLimit, requireAccessById, resolveAccount } from '../../accounts';
import {
	accountPurchases,
	addPackage,
	cancelSubscription,
	resumeSubscription,
	dismissCheckout,
	flaggedEvents,
	keptProducts,
	listProducts,
	listed,
	orderAccount,
	orderProgress,
	paymentProvider,
	requireProvider,
	resumeCheckout,
	productRequest,
	saveProduct,
	startCheckout,
	storeFront
} from '../../store';
import { actor } from './admin/shared';

const accountInput = z.strictObject({ accountId: z.uuid().optional() });

/** A change to one of the account's subscriptions that Paddle makes (the row follows by webhook); for those who manage the account. */
const subscriptionChange = (change: typeof cancelSubscription) =>
	memberProcedure.input(accountInput.extend({ subscriptionId: z.uuid() })).mutation(async ({ ctx, input }) => {
		const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'manage');
		await change(ctx.db.orm, await requireProvider(), accountId, input.subscriptionId, { userId: ctx.auth.user.id, ip: ctx.ip });
		return { ok: true };
	});

export const storeRouter = router({
	/** Packages for sale (with per-1k prices and bundle savings) and how to open the checkout. */
	front: memberProcedure.input(noInput).query(({ ctx }) => storeFront(ctx.db)),

	/** Creates our order and Paddle's transaction; the browser opens the checkout for it. */
	checkout: memberProcedure
		.input(
			accountInput.extend({
				productId: z.string().min(1).max(64),
				quantity: z.number().int().min(1).max(1000),
				/** Made by the device for one purchase attempt: a retry answers the same order. */
				checkoutKey: z.string().min(1).max(255).optional(),
				/** Opened from this auto top-up's notice: the order is tied to it. */
				topupId: z.uuid().optional()
			})
		)
		.mutation(async ({ ctx, input }) => {
			const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'spend');
			await rateLimit(ctx.db, `checkout:user:${ctx.auth.user.id}`, 20, 600);
			return startCheckout(ctx.db.orm, await requireProvider(), {
				accountId,
				userId: ctx.auth.user.id,
				email: ctx.auth.user.email,
				productId: input.productId,
				quantity: input.quantity,
				checkoutKey: input.checkoutKey,
				topupId: input.topupId
			});
		}),

	/** One order, polled while its payment is processed; once the tokens landed, the balance and what a cap on the caller's use leaves them of it, when less. */
	order: memberProcedure.input(z.strictObject({ orderId: z.uuid() })).query(async ({ ctx, input }) => {
		// Someone else's order is answered exactly like an unknown id.
		const { id: accountId } = await requireAccessById(ctx.db, ctx.auth, await orderAccount(ctx.db, input.orderId), 'read', 'No such order.');
		return orderProgress(ctx.db, accountId, input.orderId, ctx.auth.user.id);
	}),

	/** Purchase history (newest first) and subscriptions of the account. */
	purchases: memberProcedure.input(accountInput).query(async ({ ctx, input }) => {
		const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'read');
		return accountPurchases(ctx.db.orm, accountId, ctx.auth.user.id);
	}),

	/** The member's unpaid checkout opened again (the same order and transaction); `not_found` once it is no longer open. */
	resumeCheckout: memberProcedure.input(accountInput.extend({ orderId: z.uuid() })).mutation(async ({ ctx, input }) => {
		const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'spend');
		return resumeCheckout(ctx.db.orm, await requireProvider(), { accountId, userId: ctx.auth.user.id, email: ctx.auth.user.email, orderId: input.orderId });
	}),

	/** The member leaves their unpaid checkout: it is no longer offered; nothing was charged. */
	dismissCheckout: memberProcedure.input(accountInput.extend({ orderId: z.uuid() })).mutation(async ({ ctx, input }) => {
		const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'read');
		await dismissCheckout(ctx.db.orm, { accountId, userId: ctx.auth.user.id, orderId: input.orderId });
		return { ok: true };
	}),

	/** "Cancel subscription" at the period's end, and "Keep subscription" that takes it back. */
	cancelSubscription: subscriptionChange(cancelSubscription),
	resumeSubscription: subscriptionChange(resumeSubscription),

	admin: router({
		/**
		 * Every package, each with why buyers cannot buy it on this site though it is on sale (`notInStore`, null:
		 * they can) and why it cannot be deleted (`kept`: what names it, keptWords; null: nothing does).
		 */
		products: siteAdminProcedure.input(noInput).query(async ({ ctx }) => {
			const [provider, catalog, kept] = await Promise.all([paymentProvider(), listProducts(ctx.db.orm, { activeOnly: false }), keptProducts(ctx.db.orm)]);
			return catalog.map((p) => ({ ...listed(p, provider), kept: kept(p) }));
		}),
		/**
		 * "Add package": its Paddle price is made when the price id of the live environment is left empty, a typed
		 * one checked against Paddle (addPackage); an id another package has is refused (`conflict`), never saved
		 * over it. Answers the package as listed.
		 */
		createProduct: siteAdminProcedure.input(productRequest).mutation(async ({ ctx, input }) => {
			const provider = await paymentProvider();
			return listed(await addPackage(ctx.db.orm, actor(ctx), input, provider), provider);
		}),
		/** "Save changes" of the package with that id (`not_found` when there is none); a new price is a new Paddle price, the old one archived (saveProduct). */
		updateProduct: siteAdminProcedure.input(productRequest).mutation(async ({ ctx, input }) => {
			const provider = await paymentProvider();
			return listed(await saveProduct(ctx.db.orm, actor(ctx), input, 'update', provider), provider);
		}),
		/** Paddle events that need a person: unknown price ids, refunds of spent tokens, partial refunds. */
		flaggedEvents: siteAdminProcedure.input(noInput).query(({ ctx }) => flaggedEvents(ctx.db.orm))
	})
});
