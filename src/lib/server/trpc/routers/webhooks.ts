import { z } from 'zod';
import { router } from '../init';
import { siteAdminProcedure, noInput } from '../procedures';
import { createEndpoint, deleteEndpoint, endpointInput, endpointPatch, listDeliveries, listEndpoints, redeliver, retryNow, rotateSecret, sendTestEvent, updateEndpoint, getEndpoint } from '../../webhooks';
import { listJobs } from '../../schedule';
import { runJobNow } from '../../admin';
import { actor } from './admin/shared';

const endpointId = z.uuid();

/** The admin console's Webhooks and Jobs pages: site admins only. */
export const webhooksRouter = router({
	list: siteAdminProcedure.input(noInput).query(({ ctx }) => listEndpoints(ctx.db.orm)),
	create: siteAdminProcedure.input(endpointInput).mutation(({ ctx, input }) => createEndpoint(ctx.db, input, actor(ctx))),
	update: siteAdminProcedure
		// The changed fields beside the id, not under a key of their own: a refused one is named as its form field is (url, not changes).
		.input(endpointPatch.extend({ id: endpointId }))
		.mutation(({ ctx, input: { id, ...changes } }) => updateEndpoint(ctx.db, id, changes, actor(ctx))),
	remove: siteAdminProcedure.input(z.strictObject({ id: endpointId })).mutation(({ ctx, input }) => deleteEndpoint(ctx.db, input.id, actor(ctx))),
	rotateSecret: siteAdminProcedure.input(z.strictObject({ id: endpointId })).mutation(({ ctx, input }) => rotateSecret(ctx.db, input.id, actor(ctx))),
	deliveries: siteAdminProcedure
		.input(z.strictObject({ id: endpointId, before: z.number().int().positive().optional() }))
		.query(async ({ ctx, input }) => ({
			endpoint: await getEndpoint(ctx.db.orm, input.id),
			deliveries: await listDeliveries(ctx.db.orm, input.id, { limit: 30, before: input.before, tests: true })
		})),
	redeliver: siteAdminProcedure
		.input(z.strictObject({ id: endpointId, deliveryId: z.number().int().positive() }))
		.mutation(({ ctx, input }) => redeliver(ctx.db, input.id, input.deliveryId, actor(ctx))),
	/** Tries a delivery waiting for its next try now, its retry schedule kept. */
	retryNow: siteAdminProcedure
		.input(z.strictObject({ id: endpointId, deliveryId: z.number().int().positive() }))
		.mutation(({ ctx, input }) => retryNow(ctx.db, input.id, input.deliveryId, actor(ctx))),
	/** Queues a signed test event (`ping`) to the endpoint, listed in its deliveries as a test. */
	sendTest: siteAdminProcedure.input(z.strictObject({ id: endpointId })).mutation(({ ctx, input }) => sendTestEvent(ctx.db, input.id, actor(ctx))),
	jobs: siteAdminProcedure.input(noInput).query(({ ctx }) => listJobs(ctx.db.orm)),
	runJob: siteAdminProcedure
		.input(z.strictObject({ jobId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }))
		.mutation(({ ctx, input }) => runJobNow(ctx.db, actor(ctx), input.jobId))
});
