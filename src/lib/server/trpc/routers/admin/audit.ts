// The Audit log page (/admin/audit).
import { z } from 'zod';
import { router } from '../../init';
import { siteAdminProcedure, noInput } from '../../procedures';
import { auditActions, listAudit } from '../../../admin';
import { cursor } from './shared';
import { atMostCharacters } from '../../../fields';
import { ACTION_MAX, SEARCH_MAX } from '../../../../search-text';

export const auditRoutes = {
	audit: router({
		/**
		 * The audit log newest first, 50 a page, filtered by who did it (the domain's actor), action,
		 * account and site-local dates. The fields are named as the page labels them, so a refusal
		 * names the box ("Who must be text of at most 200 characters.", not "Actor …").
		 */
		list: siteAdminProcedure
			.input(
				z.strictObject({
					who: atMostCharacters(z.string(), SEARCH_MAX).nullish(),
					action: z.string().max(ACTION_MAX).nullish(),
					account: atMostCharacters(z.string(), SEARCH_MAX).nullish(),
					from: z.iso.date().nullish(),
					to: z.iso.date().nullish(),
					cursor: cursor.nullish()
				})
			)
			.query(({ ctx, input: { who, ...input } }) => listAudit(ctx.db.orm, { ...input, actor: who })),
		/** The action names the log holds, for the filter. */
		actions: siteAdminProcedure.input(noInput).query(({ ctx }) => auditActions(ctx.db.orm))
	})
};
