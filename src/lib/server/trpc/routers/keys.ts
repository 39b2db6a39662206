import { z } from 'zod';
import { KEY_SCOPES } from '../../../key-scopes';
import { router } from '../init';
import { memberProcedure, siteAdminProcedure, noInput } from '../procedures';
import { createAccountKey, createSiteKey, listAccountKeys, listSiteKeys, revokeApiKey, setKeyPaused } from '../../accounts';

/** What the key may do (key-scopes.ts); an account key's `grant` or `webhooks` is refused beside the scopes by the domain. */
const newKey = z.strictObject({ name: z.string(), scopes: z.array(z.enum(KEY_SCOPES)) });

export const keysRouter = router({
	/** Keys of an account the caller manages (their own, or a team they own or administer). */
	list: memberProcedure.input(z.strictObject({ accountId: z.uuid() })).query(({ ctx, input }) => listAccountKeys(ctx.db, ctx.auth, input.accountId)),

	/** The value is in this answer only; afterwards just its prefix is shown. */
	create: memberProcedure
		.input(newKey.extend({ accountId: z.uuid() }))
		.mutation(({ ctx, input }) => createAccountKey(ctx.db, ctx.auth, input, ctx.ip)),

	revoke: memberProcedure.input(z.strictObject({ keyId: z.uuid() })).mutation(({ ctx, input }) => revokeApiKey(ctx.db, ctx.auth, input.keyId, ctx.ip)),

	/** Pauses a key (its requests are refused until resumed) or resumes it; the same access as revoking. */
	setPaused: memberProcedure
		.input(z.strictObject({ keyId: z.uuid(), paused: z.boolean() }))
		.mutation(({ ctx, input }) => setKeyPaused(ctx.db, ctx.auth, input.keyId, input.paused, ctx.ip)),

	listSite: siteAdminProcedure.input(noInput).query(({ ctx }) => listSiteKeys(ctx.db, ctx.auth)),

	createSite: siteAdminProcedure.input(newKey).mutation(({ ctx, input }) => createSiteKey(ctx.db, ctx.auth, input, ctx.ip))
});
