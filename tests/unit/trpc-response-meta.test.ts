import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { openPostgres, type Db } from '../../src/lib/server/db/client';
import { RETRY_AFTER_SECONDS } from '../../src/lib/server/db/outage';
import { DomainError } from '../../src/lib/server/errors';
import { freePort } from '../e2e/server';
import { publicProcedure, router, type Context } from '../../src/lib/server/trpc/init';
import { trpcResponseMeta } from '../../src/lib/server/trpc/response-meta';

/** A database server that is not there (a port nothing listens on): every query fails as in an outage. */
let gone: Db;
beforeAll(async () => {
	gone = openPostgres(`postgres://postgres@127.0.0.1:${await freePort()}/postgres`, { max: 1 });
});
afterAll(async () => gone?.close());

const conflict = () => new DomainError('conflict', 'The site needs an admin: make someone else admin first.');
const procedures = router({
	lastAdmin: publicProcedure.mutation(() => {
		throw conflict();
	}),
	typed: publicProcedure.input(z.object({ n: z.number() })).mutation(({ input }) => input.n),
	asked: publicProcedure.query(() => {
		throw conflict();
	}),
	signedOut: publicProcedure.mutation(() => {
		throw new DomainError('unauthorized', 'Sign in first.');
	}),
	adminsOnly: publicProcedure.mutation(() => {
		throw new TRPCError({ code: 'FORBIDDEN', message: 'Only site admins can do that.' });
	}),
	saved: publicProcedure.mutation(() => 'saved'),
	read: publicProcedure.query(() => gone.rows(sql`select 1`)),
	save: publicProcedure.mutation(() => gone.rows(sql`select 1`))
});

/** The app's tRPC answer (its router's error formatter and middleware, the handle's responseMeta) to one request. */
async function answer(path: string, body: unknown = {}, method = 'POST', createContext = async () => ({}) as Context) {
	const url = `http://quota.test/trpc/${path}${method === 'GET' ? `?input=${encodeURIComponent(JSON.stringify(body))}` : ''}`;
	const req = new Request(url, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : JSON.stringify(body) });
	const res = await fetchRequestHandler({ endpoint: '/trpc', req, router: procedures, createContext, responseMeta: trpcResponseMeta });
	return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

describe("tRPC's answer status: an ordinary refusal of a mutation is no failed request", () => {
	it('answers 200 for a mutation the domain refused or whose input is invalid, the refusal and its status in the body', async () => {
		expect(await answer('lastAdmin')).toMatchObject({ status: 200, body: { error: { message: conflict().message, data: { code: 'CONFLICT', httpStatus: 409, domainCode: 'conflict' } } } });
		expect(await answer('typed', { n: 'x' })).toMatchObject({ status: 200, body: { error: { data: { code: 'BAD_REQUEST', httpStatus: 400, domainCode: 'invalid_input' } } } });
		expect(await answer('lastAdmin,saved?batch=1', { 0: {}, 1: {} })).toMatchObject({ status: 200, body: [{ error: { data: { httpStatus: 409 } } }, { result: { data: 'saved' } }] });
	});

	it('keeps the status of a query, a signed-out call and a refused procedure', async () => {
		expect((await answer('asked', {}, 'GET')).status).toBe(409);
		expect((await answer('signedOut')).status).toBe(401);
		expect((await answer('adminsOnly')).status).toBe(403);
		expect(await answer('saved')).toMatchObject({ status: 200, body: { result: { data: 'saved' } } });
	});
});

describe("tRPC's answer status in a database outage", () => {
	const unavailable = { status: 503, retryAfter: String(RETRY_AFTER_SECONDS) };

	it('answers 503 with Retry-After when a procedure cannot reach the database, a query or a mutation (not 500, and not 200 as a refusal)', async () => {
		expect(await answer('read', {}, 'GET')).toMatchObject({ ...unavailable, body: { error: { data: { domainCode: 'unavailable' } } } });
		expect(await answer('save')).toMatchObject({ ...unavailable, body: { error: { data: { domainCode: 'unavailable' } } } });
		expect(await answer('save,save?batch=1', { 0: {}, 1: {} })).toMatchObject(unavailable);
	});

	it('answers 503 when the request fails before any procedure runs (its context needs the database)', async () => {
		const noContext = async (): Promise<Context> => {
			await gone.rows(sql`select 1`);
			throw new Error('a closed port answered');
		};
		expect(await answer('saved', {}, 'POST', noContext)).toMatchObject(unavailable);
	});

	it('keeps the batch’s own status when a call in it succeeded', async () => {
		const mixed = await answer('save,saved?batch=1', { 0: {}, 1: {} });
		expect(mixed.status).not.toBe(503);
		expect(mixed.body).toMatchObject([{ error: { data: { domainCode: 'unavailable' } } }, { result: { data: 'saved' } }]);
	});
});
