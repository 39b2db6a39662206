import { expect } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/lib/server/db/client';
import { accounts, teamMembers, teams, users } from '../../src/lib/server/db/schema';
import { grant, reconcile, upsertFeature, upsertModel, upsertModule } from '../../src/lib/server/ledger';
import { DomainError } from '../../src/lib/server/errors';

/** The seeds' rates and modules, as a site admin would configure them. */
export async function configureRates(db: Db) {
	const x = db.orm;
	await upsertModule(x, { key: 'chat', name: 'Chatbot', limitMessage: 'You have used today’s free chat tokens.', onExhausted: 'message' });
	await upsertModule(x, { key: 'bots', name: 'AI Bots', limitMessage: 'Bot token limit reached.', onExhausted: 'inactive' });
	await upsertModule(x, { key: 'product', name: 'Product generator', limitMessage: 'Daily product limit reached.', onExhausted: 'message' });
	await upsertModel(x, { key: 'gpt-5-nano', name: 'GPT-5 Nano', engine: 'openai' });
	await upsertModel(x, { key: 'text-embedding-3-small', name: 'Text Embedding 3 Small', engine: 'openai' });
	await upsertFeature(x, { key: 'ai_bots', name: 'AI Bots', module: 'chat', unit: 'word', tokensPerUnit: 2.5 });
	await upsertFeature(x, { key: 'training', name: 'Training', module: 'bots', unit: 'word', tokensPerUnit: 2 });
	await upsertFeature(x, { key: 'generate_texts', name: 'Generate texts', module: 'product', unit: 'operation', tokensPerUnit: 45 });
	await upsertFeature(x, { key: 'search_images', name: 'Search images', module: 'product', unit: 'operation', tokensPerUnit: 10 });
}

let seq = 0;
/** A user account (with a users row, for role-based rules; its address confirmed, so mail reaches it). */
export async function makeUser(db: Db, role = 'subscriber') {
	const n = ++seq;
	const [account] = await db.orm.insert(accounts).values({ kind: 'user', name: `User ${n}` }).returning();
	const [user] = await db.orm
		.insert(users)
		.values({ accountId: account!.id, email: `u${n}-${account!.id.slice(0, 8)}@example.test`, emailConfirmedAt: new Date(), name: `User ${n}`, siteRole: role })
		.returning();
	return { accountId: account!.id, userId: user!.id };
}

export async function makeTeam(db: Db) {
	const [account] = await db.orm.insert(accounts).values({ kind: 'team', name: `Team ${++seq}` }).returning();
	const [team] = await db.orm.insert(teams).values({ accountId: account!.id, name: `Team ${seq}` }).returning();
	return { accountId: account!.id, teamId: team!.id };
}

/** A team with an owner and a member (users of their own), its pool granted `tokens`. */
export async function makeTeamWithMember(db: Db, tokens: number) {
	const team = await makeTeam(db);
	const [owner, member] = [await makeUser(db), await makeUser(db)];
	await db.orm.insert(teamMembers).values([
		{ teamId: team.teamId, userId: owner.userId, role: 'owner' },
		{ teamId: team.teamId, userId: member.userId, role: 'member' }
	]);
	await grant(db.orm, { accountId: team.accountId, tokens, source: 'purchase' });
	return { team, owner, member };
}

/** Every invariant of DESIGN.md holds over the whole database. */
export async function expectInvariants(db: Db) {
	const report = await reconcile(db.orm);
	expect(report.breaches).toEqual([]);
}

export async function lotRemaining(db: Db, lotId: string): Promise<number> {
	const [r] = await db.rows<{ remaining: number }>(sql`select remaining from lots where id = ${lotId}::uuid`);
	return Number(r!.remaining);
}

/** 'ok', or the domain code a ledger call was refused with (other errors fail the test). */
export async function outcome(p: Promise<unknown>): Promise<string> {
	try {
		await p;
		return 'ok';
	} catch (e) {
		if (e instanceof DomainError) return e.code;
		throw e;
	}
}
