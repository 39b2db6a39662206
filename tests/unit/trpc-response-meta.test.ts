import { describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { z } from 'zod';
import { DomainError } from '../../src/lib/server/errors';
import { publicProcedure, router, type Context } from '../../src/lib/server/trpc/init';
import { trpcResponseMeta } from '../../src/lib/server/trpc/response-meta';

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
	saved: publicProcedure.mutation(() => 'saved')
});

/** The app's tRPC answer (its router's error formatter and middleware, the handle's responseMeta) to one request. */
async function answer(path: string, body: unknown = {}, method = 'POST') {
	const url = `http://quota.test/trpc/${path}${method === 'GET' ? `?input=${encodeURIComponent(JSON.stringify(body))}` : ''}`;
	const req = new Request(url, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : JSON.stringify(body) });
	const res = await fetchRequestHandler({ endpoint: '/trpc', req, router: procedures, createContext: () => ({}) as Context, responseMeta: trpcResponseMeta });
	return { status: res.status, body: await res.json() };
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
