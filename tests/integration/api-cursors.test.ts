// A page cursor its list did not give is a 422 invalid_input (BAD_REQUEST in tRPC) that names the
// field, as every refusal of input does: `details.fieldErrors.cursor` holds the sentence. GET
// /usage?cursor=zzz said "Invalid cursor." with no field, so a form could not put it anywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import { makeWorld, type World, callerAs } from '../helpers/world';
import type { Db } from '../../src/lib/server/db/client';
import { DomainError } from '../../src/lib/server/errors';
import { formatError } from '../../src/lib/server/trpc/errors';

let db: Db;
let site: string;
let w: World;
beforeAll(async () => {
	({ db, site } = await openRestApi());
	w = await makeWorld(db);
}, 120_000);
afterAll(async () => db?.close());

const NOT_OURS = 'cursor is not one this list gave: leave it out to start from the first page.';
/** What a browser gets for a tRPC refusal: its code and the words under each field. */
async function trpcFieldErrors(p: Promise<unknown>) {
	const e = await p.then(
		() => null,
		(err: unknown) => err
	);
	expect(e).toBeInstanceOf(TRPCError);
	const t = e as TRPCError;
	const { data } = formatError({ shape: { message: t.message, code: -32600, data: { code: t.code, httpStatus: 400 } }, error: t });
	return { code: t.code, domain: t.cause instanceof DomainError ? t.cause.code : undefined, fieldErrors: data.fieldErrors };
}

describe(`a made-up page cursor names the field, on ${backend}`, () => {
	it('REST GET /api/v1/usage (account key and site key): 422 invalid_input with details.fieldErrors.cursor', async () => {
		const m = await member(db, 100);
		for (const [path, key] of [
			['/api/v1/usage?cursor=zzz', m.key],
			[`/api/v1/usage?user=cursor-host-${backend}&cursor=${Buffer.from('x|y').toString('base64url')}`, site]
		] as const) {
			const r = await callJson(path, { headers: bearer(key) });
			expect(r.status, path).toBe(422);
			expect(r.json, path).toEqual({ error: 'invalid_input', message: NOT_OURS, details: { formErrors: [], fieldErrors: { cursor: [NOT_OURS] } } });
		}
	});

	it('tRPC: history, statement, the console’s users (also another sort’s cursor), audit log and payments', async () => {
		const m = await member(db, 100);
		const as = (auth: typeof m.auth) => callerAs(auth, '10.9.0.8');
		const mine = await as(m.auth);
		const admin = await as(w.auth.siteAdmin!);
		const cursorRefused = (words = NOT_OURS) => ({ code: 'BAD_REQUEST', domain: 'invalid_input', fieldErrors: { cursor: [words] } });

		expect(await trpcFieldErrors(mine.ledger.history({ cursor: 'zzz' }))).toEqual(cursorRefused());
		expect(await trpcFieldErrors(mine.ledger.statement({ cursor: 'zzz' }))).toEqual(cursorRefused());
		expect(await trpcFieldErrors(admin.admin.users.list({ cursor: 'not-a-cursor' }))).toEqual(cursorRefused());
		// A cursor of the name order (a name and an account id) given to the balance order.
		const byName = Buffer.from(JSON.stringify(['Member 1', m.accountId])).toString('base64url');
		expect(await trpcFieldErrors(admin.admin.users.list({ sort: 'balance', cursor: byName }))).toEqual(
			cursorRefused('cursor belongs to another sort order: leave it out to start from the first page.')
		);
		expect(await trpcFieldErrors(admin.admin.audit.list({ cursor: 'bm9wZQ' }))).toEqual(cursorRefused());
		expect(await trpcFieldErrors(admin.admin.payments.list({ cursor: 'garbage' }))).toEqual(cursorRefused());
	});
});
