// The console's Webhooks page changes an endpoint through tRPC's webhooks.update, which is the REST
// PATCH's domain function: the same address rules (public, one endpoint per address), every change
// audited from → to, and only site admins may change one. A refused change changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { backend, freshDb } from '../helpers/db';
import { trpcRefusal } from '../helpers/refusal';
import { makeWorld, type World, callerAs } from '../helpers/world';
import { setDb, type Db } from '../../src/lib/server/db';
import { auditLog } from '../../src/lib/server/db/schema';

let db: Db;
let w: World;
const caller = (auth: World['auth'][keyof World['auth']]) => callerAs(auth, '10.9.0.8');
let admin: Awaited<ReturnType<typeof caller>>;

beforeAll(async () => {
	db = await freshDb();
	setDb(db);
	w = await makeWorld(db);
	admin = await caller(w.auth.siteAdmin);
});
afterAll(async () => db?.close());

const changes = (id: string) => db.orm.select().from(auditLog).where(and(eq(auditLog.action, 'webhook_endpoint.update'), eq(auditLog.targetId, id)));
const stored = async (id: string) => (await admin.webhooks.list()).find((e) => e.id === id);

describe(`changing a webhook endpoint from the console on ${backend}`, () => {
	it('changes the address, description, events and on/off, audited field by field from → to', async () => {
		const ep = await admin.webhooks.create({ url: 'https://hooks.example.com/console', description: 'Billing', event_types: ['grant.created'] });
		const saved = await admin.webhooks.update({ id: ep.id, url: 'https://hooks.example.com/console-v2', description: 'Billing v2', event_types: ['grant.created', 'lot.expired'], enabled: false });
		expect(saved).toMatchObject({ url: 'https://hooks.example.com/console-v2', description: 'Billing v2', eventTypes: ['grant.created', 'lot.expired'], enabled: false, disabledReason: expect.stringMatching(/^Turned off by /) });
		expect(await stored(ep.id)).toEqual(saved);
		const [entry, ...more] = await changes(ep.id);
		expect(more).toEqual([]);
		expect(entry).toMatchObject({
			actorUserId: w.users.siteAdmin.id,
			before: { url: 'https://hooks.example.com/console', description: 'Billing', event_types: ['grant.created'], enabled: true },
			after: { url: 'https://hooks.example.com/console-v2', description: 'Billing v2', event_types: ['grant.created', 'lot.expired'], enabled: false }
		});
		// The audit page says each changed field with its old and new value.
		const words = (await admin.admin.audit.list({ action: 'webhook_endpoint.update' })).rows.find((r) => r.targetId === ep.id)?.words;
		expect(words?.changes?.map((c) => c.field).sort()).toEqual(['Description', 'Enabled', 'Endpoint', 'Events']);

		// Turned on again: the reason goes; saving what it is already writes and logs nothing.
		await expect(admin.webhooks.update({ id: ep.id, enabled: true })).resolves.toMatchObject({ enabled: true, disabledReason: null });
		await admin.webhooks.update({ id: ep.id, description: 'Billing v2' });
		expect(await changes(ep.id)).toHaveLength(2);
	});

	it('refuses another endpoint’s address, a URL that is not http(s) and no events, changing nothing', async () => {
		const first = await admin.webhooks.create({ url: 'https://hooks.example.com/taken', description: 'Taken', event_types: ['grant.created'] });
		const ep = await admin.webhooks.create({ url: 'https://hooks.example.com/mine', description: 'Mine', event_types: ['grant.created'] });
		const before = await stored(ep.id);

		// With the description changed too: a refused change saves none of it. (Private addresses, which
		// the embedded database's config allows, are refused by the same check: webhooks-addresses.)
		const taken = await trpcRefusal(admin.webhooks.update({ id: ep.id, url: 'https://HOOKS.example.com/taken/', description: 'Moved' }));
		expect(taken).toEqual({
			code: 'CONFLICT',
			domain: 'conflict',
			message: 'The endpoint “Taken” (https://hooks.example.com/taken) has this URL already: change its events instead of giving this one its URL, which would get every event twice.'
		});
		await expect(trpcRefusal(admin.webhooks.update({ id: ep.id, event_types: [] }))).resolves.toMatchObject({ code: 'BAD_REQUEST' });
		// Named as its form field is, so the Change form says it beside the URL (it was "Changes URL must be …" under the form).
		await expect(trpcRefusal(admin.webhooks.update({ id: ep.id, url: 'ftp://hooks.example.com/x' }))).resolves.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^URL must be an http:\/\/ or https:\/\/ URL/) });

		expect(await stored(ep.id)).toEqual(before);
		expect(await stored(first.id)).toMatchObject({ url: 'https://hooks.example.com/taken', enabled: true });
		expect(await changes(ep.id)).toEqual([]);
	});

	it('lets only site admins change an endpoint', async () => {
		const ep = await admin.webhooks.create({ url: 'https://hooks.example.com/admins-only', event_types: ['grant.created'] });
		for (const who of ['memberA', 'memberB', 'teamMember', 'otherTeamAdmin'] as const) {
			const someone = await caller(w.auth[who]);
			await expect(trpcRefusal(someone.webhooks.update({ id: ep.id, enabled: false }))).resolves.toMatchObject({ code: 'FORBIDDEN', message: 'Only site admins can do that.' });
		}
		const guest = await caller(null);
		await expect(trpcRefusal(guest.webhooks.update({ id: ep.id, url: 'https://evil.example.com/x' }))).resolves.toMatchObject({ code: 'UNAUTHORIZED' });
		expect(await stored(ep.id)).toMatchObject({ url: 'https://hooks.example.com/admins-only', enabled: true });
		expect(await changes(ep.id)).toEqual([]);
	});
});
