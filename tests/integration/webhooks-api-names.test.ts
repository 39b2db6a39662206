// Every webhook names its account the way the API takes it back: `user_id` (the host site's id, else
// the Quota user id, as the console's "In the API" shows), `team_id` for a team pool, `guest_id` for a
// guest. A site that sends one of those to `GET /balance` is answered for that same account; one that
// sends the event's `account_id` instead is told which id to send, and no empty user is made for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
import { bearer, openRestApi } from '../helpers/api-fixture';
import { makeTeam, makeUser } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { findOrCreateExternalUser, guestAccountFor } from '../../src/lib/server/accounts';
import { grant } from '../../src/lib/server/ledger';
import { createEndpoint, startWebhookOutbox } from '../../src/lib/server/webhooks';

let db: Db;
let site: string;
let unsubscribe: () => void;
beforeAll(async () => {
	({ db, site } = await openRestApi());
	unsubscribe = startWebhookOutbox();
	// Nothing is delivered here: the test reads the events the outbox wrote.
	await createEndpoint(db, { url: 'https://hooks.example.com/quota-names', event_types: ['grant.created'] }, { ip: null });
});
afterAll(async () => {
	unsubscribe?.();
	await db?.close();
});

type Data = { account_id: string; account_kind: string; user_id: string | null; team_id: string | null; guest_id: string | null };
async function grantedEvent(accountId: string, tokens: number): Promise<Data> {
	await grant(db.orm, { accountId, tokens, source: 'purchase' });
	const [row] = await db.rows<{ data: Data }>(sql`select payload->'data' as data from webhook_events where account_id = ${accountId}::uuid order by seq desc limit 1`);
	return row!.data;
}
const accountCount = async () => (await db.rows<{ n: number }>(sql`select count(*)::int as n from accounts`))[0]!.n;
const balanceOf = (query: string) => callJson(`/api/v1/balance?${query}`, { headers: bearer(site) });

describe(`webhooks name their account as the API takes it, on ${backend}`, () => {
	it('a Quota-native user, a host user, a team pool and a guest: the event’s id reads back that same account', async () => {
		const native = await makeUser(db);
		const hostId = `wp-user-${crypto.randomUUID()}`;
		const host = await findOrCreateExternalUser(db, hostId);
		const team = await makeTeam(db);
		const guestId = `visitor-${crypto.randomUUID()}`;
		const guest = await guestAccountFor(db, guestId);
		const cases = [
			{ accountId: native.accountId, tokens: 1_111, kind: 'user', name: ['user', native.userId] },
			{ accountId: host.accountId, tokens: 2_222, kind: 'user', name: ['user', hostId] },
			{ accountId: team.accountId, tokens: 3_333, kind: 'team', name: ['team', team.teamId] },
			{ accountId: guest, tokens: 4_444, kind: 'guest', name: ['guest', guestId] }
		] as const;
		const before = await accountCount();
		for (const c of cases) {
			const data = await grantedEvent(c.accountId, c.tokens);
			const [param, id] = c.name;
			expect(data).toMatchObject({
				account_id: c.accountId,
				account_kind: c.kind,
				user_id: param === 'user' ? id : null,
				team_id: param === 'team' ? id : null,
				guest_id: param === 'guest' ? id : null
			});
			const named = data.user_id !== null ? `user=${data.user_id}` : data.team_id !== null ? `team=${data.team_id}` : `guest=${data.guest_id}`;
			const r = await balanceOf(named);
			expect(r.status, named).toBe(200);
			expect((r.json as { available: number }).available, named).toBe(c.tokens);
			if (param !== 'guest') {
				const token = await callJson('/api/v1/embed-tokens', { headers: bearer(site), body: { [param]: id } });
				expect((token.json as { account_id: string }).account_id).toBe(c.accountId);
			}
		}
		expect(await accountCount()).toBe(before); // each id found its account: none was made
	});

	it('an account id sent as user, team or guest is refused with the id to send, and makes no account', async () => {
		const native = await makeUser(db);
		const team = await makeTeam(db);
		const before = await accountCount();
		const asUser = await balanceOf(`user=${native.accountId}`);
		expect(asUser.status).toBe(422);
		expect(asUser.json).toMatchObject({
			error: 'invalid_input',
			message: `user=${native.accountId} is an account id, not a user id: send user=${native.userId} for that account.`,
			details: { fieldErrors: { user: [expect.stringContaining(`send user=${native.userId}`)] } }
		});
		const asTeam = await balanceOf(`team=${team.accountId}`);
		expect(asTeam.status).toBe(422);
		expect((asTeam.json as { message: string }).message).toBe(`team=${team.accountId} is an account id, not a team id: send team=${team.teamId} for that account.`);
		const teamAsUser = await balanceOf(`user=${team.accountId}`);
		expect((teamAsUser.json as { message: string }).message).toContain(`send team=${team.teamId}`);
		const asGuest = await balanceOf(`guest=${native.accountId}`);
		expect(asGuest.status).toBe(422);
		expect((asGuest.json as { message: string }).message).toContain(`send user=${native.userId}`);
		expect(await accountCount()).toBe(before);
		// A uuid that is no account is still a host's new id: read as a new user (made by nobody), made by an embed token.
		const hostId = crypto.randomUUID();
		expect((await balanceOf(`user=${hostId}`)).status).toBe(200);
		expect(await accountCount()).toBe(before);
		expect((await callJson('/api/v1/embed-tokens', { headers: bearer(site), body: { user: hostId } })).status).toBe(201);
		expect(await accountCount()).toBe(before + 1);
	});
});
