// What a start prints on a site without an admin: on a database of its own, so this file decides who the admins are.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, freshDb } from '../helpers/db';
import type { Db } from '../../src/lib/server/db/client';
import { sql } from 'drizzle-orm';
import { SIGN_UP_ROLE } from '../../src/lib/roles';
import { firstAdminHint, promoteToSiteAdmin, promotionWords, signUp } from '../../src/lib/server/accounts';

let db: Db;
beforeAll(async () => {
	db = await freshDb();
});
afterAll(async () => db?.close());

describe(`the first site admin, as a start tells it, on ${backend}`, () => {
	it('says how to make one while there is none, and nothing once there is', async () => {
		const hint = 'Quota: no site admin yet. Sign up at https://quota.example.com/signup, then, on this server with the same DATABASE_URL: npm run admin:promote -- you@example.com';
		expect(await firstAdminHint(db, 'https://quota.example.com')).toBe(hint);
		await signUp(db, { email: 'owner@example.com', name: 'Owner', password: 'correct horse 9' }, { ip: '10.9.0.1' });
		// A member is not an admin: the site still has none.
		expect(await firstAdminHint(db, 'https://quota.example.com')).toBe(hint);
		await promoteToSiteAdmin(db, 'owner@example.com');
		expect(await firstAdminHint(db, 'https://quota.example.com')).toBeNull();
	});

	it("confirms the address of the admin it makes: the operator on the server vouches for it, and it says so", async () => {
		const { user } = await signUp(db, { email: 'ops@example.com', name: 'Ops', password: 'correct horse 9' }, { ip: '10.9.0.2' });
		const state = async () =>
			(await db.rows<{ role: string; confirmed: boolean }>(sql`select site_role as role, email_confirmed_at is not null as confirmed from users where id = ${user.id}::uuid`))[0];
		expect(await state()).toEqual({ role: SIGN_UP_ROLE, confirmed: false });
		const first = await promoteToSiteAdmin(db, 'Ops@Example.com');
		expect(first).toEqual({ userId: user.id, changed: true, confirmed: true });
		expect(await state()).toEqual({ role: 'admin', confirmed: true });
		expect(promotionWords('ops@example.com', first)).toBe(
			'ops@example.com is now a site admin. Their address is confirmed now: you vouched for it on this server, so admin mail and alerts reach it.'
		);
		const entries = await db.rows<{ actor: string | null; detail: unknown }>(
			sql`select actor_user_id::text as actor, detail from audit_log where action = 'user.email_confirmed' and target_id = ${user.id}`
		);
		expect(entries).toEqual([{ actor: null, detail: { via: 'command line' } }]);
		// Run again: nothing more to do or to say of the address.
		const again = await promoteToSiteAdmin(db, 'ops@example.com');
		expect(again).toEqual({ userId: user.id, changed: false, confirmed: false });
		expect(promotionWords('ops@example.com', again)).toBe('ops@example.com was a site admin already.');
	});
});
