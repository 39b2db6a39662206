// The Audit log page (/admin/audit).
import { z } from 'zod';
import { router } from '../../init';
import { siteAdminProcedure } from '../../procedures';
import { auditActions, listAudit } from '../../../admin';
import { cursor } from './shared';

export const auditRoutes = {
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
	})
};
