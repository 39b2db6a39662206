// What a start prints on a site without an admin: on a database of its own, so this file decides who the admins are.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, freshDb } from '../helpers/db';
import type { Db } from '../../src/lib/server/db/client';
import { firstAdminHint, promoteToSiteAdmin, signUp } from '../../src/lib/server/accounts';

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
});
