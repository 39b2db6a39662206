// The site keeps an enabled admin, whoever changes roles and whenever: on a database of its own, so
// this file decides who the admins are.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { backend, freshDb } from '../helpers/db';
import { openPostgres, type Db } from '../../src/lib/server/db/client';
import { users } from '../../src/lib/server/db/schema';
import { createUser, setSiteRole } from '../../src/lib/server/accounts';
import { setUserDisabled } from '../../src/lib/server/admin';

let db: Db & { url?: string };
beforeAll(async () => {
	db = await freshDb();
});
afterAll(async () => db?.close());

let n = 0;
const admin = async () => {
	const u = await createUser(db.orm, { email: `admin-${++n}@example.com`, name: `Admin ${n}`, siteRole: 'admin' });
	return { ...u, actor: { userId: u.id, siteRole: 'admin', ip: null } };
};
const enabledAdmins = async () => (await db.orm.select({ id: users.id, role: users.siteRole, disabledAt: users.disabledAt }).from(users)).filter((u) => u.role === 'admin' && !u.disabledAt).map((u) => u.id);
const refusal = (p: Promise<unknown>) => p.then(() => 'done', (e: { code?: string }) => e.code ?? String(e));

describe(`the site's admins on ${backend}`, () => {
	it('lets a disabled admin lose the role while another admin is enabled, and never the last enabled one', async () => {
		const [a, b] = [await admin(), await admin()];
		await setUserDisabled(db, a.actor, b.id, true);
		// b is disabled: a alone runs the site, and b's admin role can go.
		expect(await refusal(setSiteRole(db, a.actor, b.id, 'subscriber'))).toBe('done');
		expect(await refusal(setSiteRole(db, a.actor, a.id, 'subscriber'))).toBe('conflict');
		expect(await enabledAdmins()).toEqual([a.id]);
		await setSiteRole(db, { via: 'test' }, b.id, 'admin');
		await setUserDisabled(db, a.actor, b.id, false);
	});

	// Only a server runs another admin's change beside this one; registered there alone (CI fails on a skip).
	if (backend === 'postgres')
		it.each([
			['demotes', (me: Awaited<ReturnType<typeof admin>>) => setSiteRole(db, me.actor, me.id, 'subscriber')],
			['disables', (me: Awaited<ReturnType<typeof admin>>, by: Awaited<ReturnType<typeof admin>>) => setUserDisabled(db, by.actor, me.id, true)]
		] as const)('refuses the change that %s the last enabled admin while another admin’s demotion is under way', async (_, change) => {
			const admins = await enabledAdmins();
			const [a, b] = [(await db.orm.select().from(users).where(eq(users.id, admins[0]!)))[0]!, (await db.orm.select().from(users).where(eq(users.id, admins[1]!)))[0]!];
			expect(admins).toHaveLength(2);
			const other = openPostgres(db.url!, { max: 1 });
			let changing: Promise<string> = Promise.resolve('not sent');
			try {
				// Admin a is being made a member by someone else: not committed yet when b's change is asked for.
				await other.orm.transaction(async (tx) => {
					await tx.update(users).set({ siteRole: 'subscriber' }).where(eq(users.id, a.id));
					changing = refusal(change({ ...b, actor: { userId: b.id, siteRole: 'admin', ip: null } }, { ...a, actor: { userId: a.id, siteRole: 'admin', ip: null } }));
					await new Promise((r) => setTimeout(r, 300)); // b's change waits for the admins' rows
				});
				expect(await changing).toBe('conflict');
				expect(await enabledAdmins()).toEqual([b.id]);
			} finally {
				await other.close();
				await setSiteRole(db, { via: 'test' }, a.id, 'admin');
			}
		});
});
