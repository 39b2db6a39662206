import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { uuidArray } from '../db/client';
import { acceptInvite, auditedGrant, createTeam, createUser, ensureSiteKey, inviteMailKey, inviteToTeam, saveSiteRole, setSiteRole, type CreatedUser } from '../accounts';
import { withdrawMail } from '../mail/job';
import { saveFeature, saveModel, saveModule, setAccountCap, setAllowance } from '../admin';
import { consume, refreshAccountFigures, Refusal, type GrantRequest } from '../ledger';
import { seedDemoCatalog } from '../store/demo-catalog';
import { setReferralRules } from '../referrals';

export const DEMO_PASSWORD = 'quota-demo-2026';
export const demoLogins = [
	{ email: 'admin@quota.test', name: 'Ada Admin', role: 'admin', about: 'site admin: every account, rates, limits' },
	{ email: 'maya@quota.test', name: 'Maya Patel', role: 'author', about: 'role Author, model allocations; owns the Acme Studio team' },
	{ email: 'leo@quota.test', name: 'Leo Martin', role: 'subscriber', about: 'role Member, in Maya\'s team Acme Studio; free allowances only' }
] as const;

const DAY = 86_400_000;

/**
 * How the audit log names what the seed itself does (no person does it: the entries credit Quota),
 * as the entries of the `admin:promote` command say `command line`.
 */
const VIA = 'demo data';

/** A grant of the seed's, recorded in the audit log as the product records a grant (`ledger.grant`), by Quota. */
const seedGrant = (db: Db, g: GrantRequest) => db.orm.transaction((tx) => auditedGrant(tx, g, { via: VIA }));

/** A small deterministic random generator, so every fresh demo looks the same. */
function random(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * The site's setup, from the seeds' documentation: modules, models, rates, the Author role, free
 * allowances, made by the console's own changes, so each is audited as Quota's (demo data). The site's
 * settings are the database's defaults, as the seeds have them (UTC, weeks from Monday, low below 20 %): saving them as they
 * are would change nothing and record nothing.
 */
async function configureSite(db: Db) {
	const by = { via: VIA };
	// Referrals on, as Maya's bonus for inviting Leo says (2,000 tokens for 15 days): the rules and the demo agree.
	await setReferralRules(db, by, { enabled: true, referrerTokens: 2_000, referredTokens: 0, requirePurchase: false, expiresDays: 15, dailyLimit: 10 });
	const modules = [
		{ key: 'chat', name: 'Chatbot', limitMessage: 'You have used your free chat tokens for today. Buy tokens to keep chatting.', onExhausted: 'message' as const },
		{ key: 'bots', name: 'Bot training', limitMessage: 'Your bot is paused until more tokens are added.', onExhausted: 'inactive' as const },
		{ key: 'forms', name: 'AI Forms', limitMessage: "This week's free AI form tokens are used up.", onExhausted: 'message' as const },
		{ key: 'images', name: 'Image generator', limitMessage: 'Image generation needs tokens.', onExhausted: 'message' as const },
		{ key: 'product', name: 'Product generator', limitMessage: 'The product generator needs tokens. Buy tokens to generate more.', onExhausted: 'message' as const }
	];
	for (const m of modules) await saveModule(db, by, m);
	for (const m of [
		{ key: 'gpt-5-nano', name: 'GPT-5 Nano', engine: 'openai' },
		{ key: 'text-embedding-3-small', name: 'Text Embedding 3 Small', engine: 'openai' },
		{ key: 'claude-sonnet-4-5', name: 'Claude Sonnet 4.5', engine: 'anthropic' }
	])
		await saveModel(db, by, m);
	const features = [
		{ key: 'ai_bots', name: 'Chatbot reply', module: 'chat', unit: 'word' as const, tokensPerUnit: 2.5 },
		{ key: 'training', name: 'Bot training', module: 'bots', unit: 'word' as const, tokensPerUnit: 2 },
		{ key: 'form_answer', name: 'AI form answer', module: 'forms', unit: 'word' as const, tokensPerUnit: 1.5 },
		{ key: 'image_generation', name: 'Image generation', module: 'images', unit: 'operation' as const, tokensPerUnit: 40 },
		{ key: 'generate_texts', name: 'Generate texts', module: 'product', unit: 'operation' as const, tokensPerUnit: 45,
			breakdown: [{ label: 'Short description', tokens: 15 }, { label: 'Long description', tokens: 30 }] },
		{ key: 'search_images', name: 'Search images', module: 'product', unit: 'operation' as const, tokensPerUnit: 10 },
		{ key: 'search_prices', name: 'Search prices', module: 'product', unit: 'operation' as const, tokensPerUnit: 10 },
		{ key: 'generate_all', name: 'Generate all', module: 'product', unit: 'operation' as const, tokensPerUnit: 65,
			breakdown: [{ label: 'Generate texts', tokens: 45 }, { label: 'Search images', tokens: 10 }, { label: 'Search prices', tokens: 10 }] }
	];
	for (const f of features) await saveFeature(db, by, f);
	// Admin and Member are every site's roles; Author is the demo's, added as on the Roles page.
	await saveSiteRole(db, by, { key: 'author', name: 'Author', isNew: true });
	// Free allowances: guests get a taste of chat; members a daily chat allowance, authors more. No
	// guest rule names images, so a guest is told images need an account (a rule of 0 would say the
	// module's "needs tokens", which a guest cannot buy).
	await setAllowance(db, by, { module: 'chat', audience: 'guest', limitTokens: 2_000, period: 'daily' });
	await setAllowance(db, by, { module: 'chat', audience: 'user', limitTokens: 10_000, period: 'daily' });
	await setAllowance(db, by, { module: 'chat', audience: 'role', role: 'author', limitTokens: 20_000, period: 'daily' });
	await setAllowance(db, by, { module: 'forms', audience: 'user', limitTokens: 5_000, period: 'weekly' });
}

/**
 * Adds a member to a team the way the app does: an invitation, accepted (its mail is taken back from
 * the queue: nobody is mailed for the demo), audited at `at` and a minute later.
 */
async function join(db: Db, teamId: string, owner: CreatedUser, member: CreatedUser, at: Date) {
	const invite = await inviteToTeam(db, { teamId, email: member.email!, role: 'member', at }, { userId: owner.id, siteAdmin: false });
	const mail = await withdrawMail(db.orm, inviteMailKey(invite.id));
	const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(mail?.link ?? '')?.[1];
	if (!token) throw new Error('demo seed: the invitation mail had no link');
	await acceptInvite(db, token, { id: member.id, email: member.email }, null, new Date(at.getTime() + 60_000));
}

/** Something else the account's history holds at a time (a grant): written in its place among the uses. */
type TimedEvent = { at: Date; write: () => Promise<unknown> };

/**
 * Four weeks of realistic use, spread over the day, by the same consume the API uses, in the order of
 * their times, with `events` (grants dated inside those weeks) written in their place among them: each
 * use's `remaining` is what was left after it, so the usage history reads down in time as it would
 * have been spent, and a use before a grant does not count it.
 */
async function backfillUsage(
	db: Db,
	accountId: string,
	plan: { actor: CreatedUser; feature: string; model?: string; units: [number, number]; perDay: number }[],
	seed: number,
	events: TimedEvent[] = []
) {
	const pending = [...events].sort((a, b) => a.at.getTime() - b.at.getTime());
	const writeUntil = async (at: number) => {
		while (pending.length && pending[0]!.at.getTime() <= at) await pending.shift()!.write();
	};
	const rnd = random(seed);
	const now = Date.now();
	let n = 0;
	for (let day = 27; day >= 0; day--) {
		const uses: { at: Date; actor: CreatedUser; feature: string; model: string | null; units: number }[] = [];
		for (const p of plan) {
			const count = Math.round(p.perDay * (0.5 + rnd()));
			for (let i = 0; i < count; i++) {
				const at = new Date(now - day * DAY - Math.floor(rnd() * (day === 0 ? 6 : 20)) * 3_600_000 - Math.floor(rnd() * 3_600_000));
				uses.push({ at, actor: p.actor, feature: p.feature, model: p.model ?? null, units: p.units[0] + Math.floor(rnd() * (p.units[1] - p.units[0] + 1)) });
			}
		}
		for (const use of uses.sort((a, b) => a.at.getTime() - b.at.getTime())) {
			await writeUntil(use.at.getTime());
			try {
				await consume(db.orm, {
					accountId,
					feature: use.feature,
					model: use.model,
					units: use.units,
					actor: { userId: use.actor.id },
					idempotency: { scope: 'demo', key: `${seed}-${n++}` },
					metadata: { via: 'demo' },
					effectiveAt: use.at
				});
			} catch (e) {
				if (!(e instanceof Refusal)) throw e;
			}
		}
	}
	await writeUntil(Infinity);
}

/**
 * The demo's people joined (and its team was made) at `when`, before the four weeks of history and
 * the allocations the seed gives them: a user who "joined today" with a month of use would not add up.
 */
async function joinedBefore(db: Db, when: Date, people: CreatedUser[], team: { id: string; accountId: string }) {
	const at = when.toISOString();
	const accountIds = [...people.map((p) => p.accountId), team.accountId];
	await db.rows(sql`update accounts set created_at = ${at}::timestamptz where id = any(${uuidArray(accountIds)})`);
	await db.rows(sql`update users set created_at = ${at}::timestamptz where id = any(${uuidArray(people.map((p) => p.id))})`);
	await db.rows(sql`update teams set created_at = ${at}::timestamptz where id = ${team.id}::uuid`);
	await db.rows(sql`update team_members set joined_at = ${at}::timestamptz where team_id = ${team.id}::uuid`);
}

export interface DemoResult {
	siteKey: string | null;
}

/** Whether the database already has users (demo data is only loaded into an empty database). */
export async function isEmpty(db: Db): Promise<boolean> {
	const [row] = await db.rows<{ n: number }>(sql`select count(*)::int as n from users`);
	return row!.n === 0;
}

/** Loads the demo: users with roles, a team pool, models, the seeds' rates, packages and four weeks of history. */
export async function seedDemo(db: Db, opts: { siteKeyValue?: string } = {}): Promise<DemoResult> {
	await configureSite(db);
	await seedDemoCatalog(db.orm, { via: VIA });
	// Each is made a Member, as every new user is; Ada's admin role and Maya's Author are then given
	// as on a user's page in the console, so the audit log says who gave them (Quota, demo data).
	const created: CreatedUser[] = [];
	for (const u of demoLogins) {
		const user = await createUser(db.orm, { email: u.email, name: u.name, password: DEMO_PASSWORD, emailConfirmed: true });
		if (u.role !== user.siteRole) await setSiteRole(db, { via: VIA }, user.id, u.role);
		created.push({ ...user, siteRole: u.role });
	}
	const [, mayaUser, leoUser] = created as [CreatedUser, CreatedUser, CreatedUser];
	const month = new Date(Date.now() - 30 * DAY);

	// Maya: per-model allocations (the seeds' dashboard), general tokens, a referral bonus, unlimited Claude.
	// Granted (source admin), not bought: a purchase is an order in the store's history, and the demo has
	// none until someone buys through the simulator (the lots would otherwise say "Purchased" while
	// the purchases list says "No purchases yet"). The seed grants them, not Ada: the audit log says Quota.
	const grants = [
		{ tokens: 50_000, source: 'admin' as const, model: 'gpt-5-nano', note: 'Pilot allocation: GPT-5 Nano' },
		{ tokens: 25_000, source: 'admin' as const, model: 'text-embedding-3-small', note: 'Pilot allocation: Text Embedding' },
		{ tokens: 15_000, source: 'admin' as const, model: null, note: 'Pilot allocation: general tokens' },
		{ tokens: 0, unlimited: true, source: 'admin' as const, model: 'claude-sonnet-4-5', note: 'Enterprise: unlimited Claude' }
	];
	for (const [i, g] of grants.entries()) {
		await seedGrant(db, { accountId: mayaUser.accountId, ...g, grantKey: `demo:maya:${i}`, effectiveAt: month });
	}

	// Acme Studio: a shared pool with a daily team cap and a per-member cap.
	// Made and joined 10 days before the month of history; its pool and caps were set when the month began.
	// Its audit entries are dated so.
	const joined = new Date(month.getTime() - 10 * DAY);
	const team = await createTeam(db.orm, { name: 'Acme Studio', ownerUserId: mayaUser.id, at: joined });
	await join(db, team.id, mayaUser, leoUser, new Date(joined.getTime() + 60_000));
	await seedGrant(db, { accountId: team.accountId, tokens: 120_000, source: 'admin', note: 'Pilot allocation: team pool', grantKey: 'demo:team:0', effectiveAt: month });
	await seedGrant(db, { accountId: team.accountId, tokens: 5_000, source: 'event', note: 'Launch week bonus', grantKey: 'demo:team:event', expiresAt: new Date(Date.now() + 20 * DAY), effectiveAt: month });
	await setAccountCap(db, { via: VIA }, { accountId: team.accountId, period: 'daily', limitTokens: 20_000 }, month);
	await setAccountCap(db, { via: VIA }, { accountId: team.accountId, memberUserId: leoUser.id, period: 'daily', limitTokens: 5_000 }, month);
	await joinedBefore(db, joined, created, team);

	// The referral bonus of 5 days ago, written among the uses at its time.
	const referredAt = new Date(Date.now() - 5 * DAY);
	const referral: TimedEvent = {
		at: referredAt,
		write: () =>
			seedGrant(db, {
				accountId: mayaUser.accountId, tokens: 2_000, source: 'referral', note: 'Invited Leo',
				expiresAt: new Date(referredAt.getTime() + 15 * DAY), grantKey: 'demo:maya:referral', effectiveAt: referredAt
			})
	};
	await backfillUsage(db, mayaUser.accountId, [
		{ actor: mayaUser, feature: 'ai_bots', model: 'gpt-5-nano', units: [60, 240], perDay: 3 },
		{ actor: mayaUser, feature: 'training', model: 'text-embedding-3-small', units: [100, 500], perDay: 1 },
		{ actor: mayaUser, feature: 'ai_bots', model: 'claude-sonnet-4-5', units: [80, 300], perDay: 1 },
		{ actor: mayaUser, feature: 'generate_all', units: [1, 1], perDay: 2 },
		{ actor: mayaUser, feature: 'search_images', units: [1, 2], perDay: 1 }
	], 1, [referral]);
	// The team pool's two members in one sequence, so its history is in the order it was spent.
	await backfillUsage(db, team.accountId, [
		{ actor: mayaUser, feature: 'generate_all', units: [1, 3], perDay: 4 },
		{ actor: mayaUser, feature: 'generate_texts', units: [1, 2], perDay: 3 },
		{ actor: leoUser, feature: 'generate_texts', units: [1, 2], perDay: 5 },
		{ actor: leoUser, feature: 'search_prices', units: [1, 3], perDay: 3 }
	], 2);
	await backfillUsage(db, leoUser.accountId, [{ actor: leoUser, feature: 'ai_bots', units: [30, 200], perDay: 2 }], 4);

	// Backdated (effectiveAt) operations lie behind the figures summary's cursor: recompute it all.
	await refreshAccountFigures(db.orm, { full: true });
	const key = await ensureSiteKey(db, { name: 'Demo site key', value: opts.siteKeyValue, via: VIA });
	return { siteKey: key.created ? key.value : null };
}
