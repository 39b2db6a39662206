/**
 * Who may call which tRPC procedure — every procedure of appRouter must have a row here.
 *
 * HOW TO ADD A PROCEDURE (one line in `matrix` below):
 *   'area.procedure': { allow: <who>, input: (w) => ({ …input naming memberA's resources… }) },
 * - `allow`: the caller kinds that get past authorization, from
 *   guest · memberA · memberB · teamMember · otherTeamAdmin · siteAdmin (shorthands: everyone, members, …).
 * - `input` (optional): built per world `w` (tests/helpers/world.ts): `w.users.memberA`, `w.teamA`
 *   (memberA owns it, teamMember is in it), `w.teamB` (otherTeamAdmin administers it), `w.auth.<kind>`.
 *   It may be async and receives the db as its second argument to create what it needs.
 * - `refusals` (optional): the one domain refusal an allowed caller gets instead of success, with
 *   the reason, e.g. `{ memberA: 'conflict' }` for "the last owner cannot leave".
 * Each allowed caller of a mutation runs against a fresh world of its own, so one's success cannot change
 * what the next finds; the callers of a query share one (a read changes nothing another caller finds:
 * the two queries that write make the caller's own referral code, or the site's push keys once). The
 * refused callers go first, on the first allowed caller's world (a refusal changes nothing).
 * Expected outcomes:
 * - a caller NOT in `allow` is refused with UNAUTHORIZED, FORBIDDEN or NOT_FOUND;
 * - a caller in `allow` succeeds, or gets exactly the refusal its row lists; anything else (a 500,
 *   a validation error from a wrong input, an unlisted refusal) fails the row, so every row's
 *   success path really runs. The ledger invariants are checked after each row.
 * - every procedure refuses a key it does not take: the first allowed caller's valid input (or none,
 *   for a procedure whose input is `noInput`) with `extra: 1` beside it is a BAD_REQUEST naming "extra"
 *   that changes no row of any table, before that same input, without it, succeeds.
 * The test fails when a procedure has no row, or a row names a procedure that no longer exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createECDH, randomBytes } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { freshDb, tableDigests } from '../helpers/db';
import { callerKinds, makeWorld, type CallerKind, type World } from '../helpers/world';
import { setDb, type Db } from '../../src/lib/server/db';
import { appRouter } from '../../src/lib/server/trpc/router';
import { createContext } from '../../src/lib/server/trpc/init';
import { DomainError } from '../../src/lib/server/errors';
import { createAccountKey, createSession, createSiteKey, saveSiteRole, SESSION_COOKIE } from '../../src/lib/server/accounts';
import { call as callRoute, useDb } from '../helpers/http';
import { startCampaign } from '../../src/lib/server/admin';
import { listProducts } from '../../src/lib/server/store';
import { anomalyFlags, subscriptions, teamInvites, users } from '../../src/lib/server/db/schema';
import { inArray, sql } from 'drizzle-orm';
import { hashPassword } from '../../src/lib/server/accounts/passwords';
import { hashToken } from '../../src/lib/server/accounts/tokens';
import { upsertProduct } from '../../src/lib/server/store/catalog';
import { grant, setAllowanceRule, upsertFeature, upsertModel, upsertModule } from '../../src/lib/server/ledger';
import { expectInvariants } from '../helpers/ledger';
import { createEndpoint } from '../../src/lib/server/webhooks';
import { ensureRecurring } from '../../src/lib/server/schedule';

const everyone = callerKinds;
const members = ['memberA', 'memberB', 'teamMember', 'otherTeamAdmin', 'siteAdmin'] as const;
const siteAdmin = ['siteAdmin'] as const;
/** Who may read or spend memberA's team pool. */
const teamAUsers = ['memberA', 'teamMember', 'siteAdmin'] as const;
/** Who may manage memberA's personal account or team (owner/admin, or site admin). */
const teamAManagers = ['memberA', 'siteAdmin'] as const;

interface Entry {
	allow: readonly CallerKind[];
	input?: (w: World, db: Db) => unknown;
	/** Per allowed caller: the domain code (or tRPC code) it is refused with instead of succeeding. */
	refusals?: Partial<Record<CallerKind, string>>;
}

const teamA = (w: World) => ({ accountId: w.teamA.accountId });

/** An invitation to memberA's team for memberB's email, with a known token. */
async function inviteForMemberB(w: World, db: Db) {
	const token = `invite${w.tag}`.padEnd(32, 'q');
	await db.orm.insert(teamInvites).values({ teamId: w.teamA.id, email: w.users.memberB.email!, role: 'member', tokenHash: hashToken(token), invitedBy: w.users.memberA.id, expiresAt: new Date(Date.now() + 86_400_000) });
	return { token };
}

/** A pending invitation to memberA's team, for the rows that withdraw or resend one. */
async function pendingInvite(w: World, db: Db) {
	const [invite] = await db.orm
		.insert(teamInvites)
		.values({ teamId: w.teamA.id, email: `pending-${w.tag}@example.com`, role: 'member', tokenHash: hashToken(`pending${w.tag}`.padEnd(32, 'p')), invitedBy: w.users.memberA.id, expiresAt: new Date(Date.now() + 86_400_000) })
		.returning();
	return { teamId: w.teamA.id, inviteId: invite!.id };
}

const product = async (w: World, db: Db) => {
	await upsertProduct(db.orm, { id: `pack-${w.tag}`, kind: 'pack', name: 'Matrix pack', grants: [{ model: null, tokens: 5000 }], priceCents: 500, paddlePriceSandbox: `pri_matrix${w.tag}`, paddlePriceProduction: `pri_matrixp${w.tag}` });
	return { accountId: w.teamA.accountId, productId: `pack-${w.tag}`, quantity: 1 };
};

/** A webhook endpoint for the rows that change or read one. */
/** A recurring job's id, as the Jobs page lists it (its row as a process's schedule makes it at start). */
const matrixJob = async (db: Db) => {
	await ensureRecurring(db.orm, [{ name: 'matrix.tick', everySeconds: 3600, run: async () => {} }]);
	return (await db.rows<{ id: number }>(sql`select id from scheduled_jobs where name = 'matrix.tick'`))[0]!.id;
};
const matrixEndpoint = async (db: Db) => (await createEndpoint(db, { url: `http://127.0.0.1:39/matrix/${crypto.randomUUID()}`, event_types: ['hold.expired'] }, { ip: null })).id;
/** A role on the site's list, held by no one. */
/** An event bonus to team A's pool, sent by the world's site admin. */
const matrixCampaign = (w: World, db: Db) =>
	startCampaign(db, { userId: w.users.siteAdmin.id, ip: null }, { audience: 'team', teamId: w.teamA.id, tokens: 10, note: 'Matrix', key: `campaign-${w.tag}` });
const matrixRole = async (w: World, db: Db) => {
	await saveSiteRole(db, { userId: w.users.siteAdmin.id, ip: null }, { key: `role-${w.tag}`, name: `Matrix role ${w.tag}`, isNew: true });
	return { key: `role-${w.tag}` };
};

/** A module for the admin rows that need one. */
const adminModule = async (w: World, db: Db) => {
	await upsertModule(db.orm, { key: `mod-${w.tag}`, name: `Matrix module ${w.tag}`, limitMessage: 'Limit reached.' });
	return { key: `mod-${w.tag}` };
};

/** A feature that costs 5 tokens per operation, and tokens in memberA's team pool to pay for it. */
const teamAFeature = async (w: World, db: Db) => {
	const feature = `f-${w.tag}`;
	await upsertFeature(db.orm, { key: feature, name: 'Matrix feature', module: (await adminModule(w, db)).key, unit: 'operation', tokensPerUnit: 5 });
	await grant(db.orm, { accountId: w.teamA.accountId, tokens: 100, source: 'bonus' });
	return { ...teamA(w), feature, units: 1 };
};

/** A subscription of memberA's team that has already ended (cancelling it again is a conflict, after authorization). */
const endedSubscription = async (w: World, db: Db) => {
	const { productId } = await product(w, db);
	const [sub] = await db.orm.insert(subscriptions).values({ accountId: w.teamA.accountId, productId, paddleSubscriptionId: `sub_${w.tag}`, status: 'canceled', lastEventAt: new Date() }).returning();
	return { ...teamA(w), subscriptionId: sub!.id };
};

/** An unpaid checkout memberA opened on team A's account: theirs alone to resume or dismiss. */
const memberACheckout = async (w: World, db: Db) => {
	const { orderId } = await appRouter.createCaller(await contextFor(w, 'memberA')).store.checkout(await product(w, db));
	return { accountId: w.teamA.accountId, orderId };
};

/** An open anomaly flag on memberA's account, about a key of that account. */
const memberAFlag = async (w: World, db: Db) => {
	const key = await createAccountKey(db, w.auth.memberA!, { accountId: w.users.memberA.accountId, name: 'Flagged', scopes: ['consume'] });
	const [flag] = await db.orm.insert(anomalyFlags).values({ accountId: w.users.memberA.accountId, apiKeyId: key.id, kind: 'new_key', episode: 'new_key', figures: { lastHour: 10, baseline: 0 } }).returning();
	return { flagId: flag!.id };
};

const MATRIX_PASSWORD = 'matrix-password-1';
let matrixHash: Promise<string> | undefined;
/** Gives every user of the world one known password (hashed once), for the rows that ask for the current one. */
async function knownPasswords(w: World, db: Db) {
	matrixHash ??= hashPassword(MATRIX_PASSWORD);
	await db.orm.update(users).set({ passwordHash: await matrixHash }).where(inArray(users.id, Object.values(w.users).map((u) => u.id)));
	return MATRIX_PASSWORD;
}

const matrix: Record<string, Entry> = {
	'system.health': { allow: everyone },

	'me.profile': { allow: members },
	'me.updateProfile': { allow: members, input: () => ({ name: 'Renamed', timeZone: 'Europe/Berlin' }) },
	'me.changeEmail': { allow: members, input: async (w, db) => ({ email: `renamed-${w.tag}@example.com`, currentPassword: await knownPasswords(w, db) }) },
	'me.changePassword': { allow: members, input: async (w, db) => ({ currentPassword: await knownPasswords(w, db), newPassword: 'a new password 2' }) },
	'me.setActiveAccount': { allow: ['memberA', 'teamMember'], input: teamA },
	'me.sessions': { allow: members },
	'me.revokeSession': { allow: ['memberA'], input: (w) => ({ sessionId: w.auth.memberA!.sessionId }) },
	'me.signOutEverywhere': { allow: members },
	'me.sendConfirmation': { allow: members },

	'team.create': { allow: members, input: () => ({ name: 'New team' }) },
	'team.get': { allow: teamAUsers, input: (w) => ({ teamId: w.teamA.id }) },
	'team.invite': { allow: teamAManagers, input: (w) => ({ teamId: w.teamA.id, email: `new-${w.tag}@example.com`, role: 'member' }) },
	'team.revokeInvite': { allow: teamAManagers, input: pendingInvite },
	'team.resendInvite': { allow: teamAManagers, input: pendingInvite },
	'team.acceptInvite': { allow: ['memberB'], input: inviteForMemberB },
	'team.rename': { allow: teamAManagers, input: (w) => ({ teamId: w.teamA.id, name: 'Renamed team' }) },
	'team.removeMember': { allow: teamAManagers, input: (w) => ({ teamId: w.teamA.id, userId: w.users.teamMember.id }) },
	'team.changeRole': { allow: teamAManagers, input: (w) => ({ teamId: w.teamA.id, userId: w.users.teamMember.id, role: 'admin' }) },
	'team.setCap': { allow: teamAManagers, input: (w) => ({ teamId: w.teamA.id, userId: w.users.teamMember.id, period: 'daily', limitTokens: 500 }) },
	// memberA owns teamA alone: leaving is refused after authorization (make someone else owner first).
	'team.leave': { allow: ['memberA', 'teamMember'], input: (w) => ({ teamId: w.teamA.id }), refusals: { memberA: 'conflict' } },

	'keys.list': { allow: teamAManagers, input: (w) => ({ accountId: w.users.memberA.accountId }) },
	'keys.create': { allow: teamAManagers, input: (w) => ({ accountId: w.users.memberA.accountId, name: 'Bot', scopes: ['read'] }) },
	'keys.revoke': { allow: teamAManagers, input: async (w, db) => ({ keyId: (await createAccountKey(db, w.auth.memberA!, { accountId: w.users.memberA.accountId, name: 'Bot', scopes: ['read'] })).id }) },
	'keys.listSite': { allow: siteAdmin },
	'keys.createSite': { allow: siteAdmin, input: () => ({ name: 'Site bot', scopes: ['consume'] }) },

	'webhooks.list': { allow: siteAdmin },
	'webhooks.create': { allow: siteAdmin, input: () => ({ url: `http://127.0.0.1:39/matrix/${crypto.randomUUID()}`, event_types: ['grant.created'] }) },
	'webhooks.update': { allow: siteAdmin, input: async (_w, db) => ({ id: await matrixEndpoint(db), enabled: false }) },
	'webhooks.remove': { allow: siteAdmin, input: async (_w, db) => ({ id: await matrixEndpoint(db) }) },
	'webhooks.rotateSecret': { allow: siteAdmin, input: async (_w, db) => ({ id: await matrixEndpoint(db) }) },
	'webhooks.deliveries': { allow: siteAdmin, input: async (_w, db) => ({ id: await matrixEndpoint(db) }) },
	'webhooks.redeliver': { allow: siteAdmin, input: async (_w, db) => ({ id: await matrixEndpoint(db), deliveryId: 1 }), refusals: { siteAdmin: 'not_found' } },
	'webhooks.retryNow': { allow: siteAdmin, input: async (_w, db) => ({ id: await matrixEndpoint(db), deliveryId: 1 }), refusals: { siteAdmin: 'not_found' } },
	'webhooks.sendTest': { allow: siteAdmin, input: async (_w, db) => ({ id: await matrixEndpoint(db) }) },
	'webhooks.jobs': { allow: siteAdmin },
	'webhooks.runJob': { allow: siteAdmin, input: async (_w, db) => ({ jobId: Number(await matrixJob(db)) }) },

	'ledger.summary': { allow: teamAUsers, input: teamA },
	'ledger.dashboard': { allow: teamAUsers, input: teamA },
	'ledger.history': { allow: teamAUsers, input: teamA },
	'ledger.statement': { allow: teamAUsers, input: teamA },
	'ledger.capNow': { allow: teamAUsers, input: teamA },
	'ledger.unlimitedNow': { allow: teamAUsers, input: teamA },
	'ledger.rollups': { allow: teamAUsers, input: (w) => ({ ...teamA(w), period: 'daily', windows: 31, by: 'feature' }) },
	'ledger.catalog': { allow: members },
	'ledger.preview': { allow: teamAUsers, input: teamAFeature },
	'ledger.consume': { allow: teamAUsers, input: async (w, db) => ({ ...(await teamAFeature(w, db)), idempotencyKey: `k-${w.tag}` }) },

	'settings.get': { allow: members },
	'settings.update': { allow: members, input: (w) => ({ key: `device-${w.tag}`, changes: { emailAlerts: false } }) },
	'settings.ownCaps': { allow: members },
	'settings.setOwnCap': { allow: members, input: () => ({ period: 'weekly', limitTokens: 900 }) },

	'store.front': { allow: members },
	'store.checkout': { allow: teamAUsers, input: product },
	'store.order': { allow: teamAUsers, input: async (w, db) => {
		const { orderId } = await appRouter.createCaller(await contextFor(w, 'memberA')).store.checkout(await product(w, db));
		return { orderId };
	} },
	'store.purchases': { allow: teamAUsers, input: teamA },
	// Cancelling and keeping at Paddle are the payment provider's part (tests/integration/store-*);
	// here the subscription has ended, so an authorized caller gets the domain's "already ended".
	'store.cancelSubscription': { allow: teamAManagers, input: endedSubscription, refusals: { memberA: 'conflict', siteAdmin: 'conflict' } },
	'store.resumeSubscription': { allow: teamAManagers, input: endedSubscription, refusals: { memberA: 'conflict', siteAdmin: 'conflict' } },
	// Only the member who opened a checkout can pay it: another caller with access is told there is no such checkout.
	'store.resumeCheckout': { allow: teamAUsers, input: memberACheckout, refusals: { teamMember: 'not_found', siteAdmin: 'not_found' } },
	'store.dismissCheckout': { allow: teamAUsers, input: memberACheckout, refusals: { teamMember: 'not_found', siteAdmin: 'not_found' } },
	'store.admin.products': { allow: siteAdmin },
	'store.admin.createProduct': { allow: siteAdmin, input: (w) => ({ id: `admin-pack-${w.tag}`, kind: 'pack', name: 'Admin pack', grants: [{ model: null, tokens: 100 }], priceCents: 100 }) },
	'store.admin.updateProduct': { allow: siteAdmin, input: async (w, db) => ({ id: (await product(w, db)).productId, kind: 'pack', name: 'Matrix pack, renamed', grants: [{ model: null, tokens: 5000 }], priceCents: 600, paddlePriceSandbox: `pri_matrix${w.tag}`, paddlePriceProduction: `pri_matrixp${w.tag}` }) },
	'store.admin.flaggedEvents': { allow: siteAdmin },

	'alerts.list': { allow: members },
	'alerts.unread': { allow: members },
	'alerts.markRead': { allow: members, input: () => ({ upTo: 1 }) },
	'alerts.steps': { allow: members },
	// The pool's alerts go to its owner and admins: they set its steps (a site admin does not).
	'alerts.setSteps': { allow: ['memberA'], input: (w) => ({ key: `steps-${w.tag}`, ...teamA(w), shares: [30], depleted: true }) },
	'alerts.push.status': { allow: members },
	'alerts.push.subscribe': { allow: members, input: (w) => ({ subscription: pushSubscription(w.tag) }) },
	'alerts.push.unsubscribe': { allow: members, input: (w) => ({ endpoint: pushSubscription(w.tag).endpoint }) },
	'alerts.push.setQuietHours': { allow: members, input: (w) => ({ key: `quiet-${w.tag}`, quietHours: { from: '22:00', to: '07:00', timeZone: 'Europe/Berlin' } }) },
	'topup.view': { allow: members },
	// Only the pool's owner pays for its top-ups: a site admin is refused too.
	'topup.set': { allow: ['memberA'], input: async (w, db) => ({ ...teamA(w), enabled: true, belowTokens: 1000, productId: (await product(w, db)).productId, maxPerMonth: 2, maxCentsPerMonth: null, cooldownSeconds: 3600 }) },

	'admin.settings.get': { allow: siteAdmin },
	'admin.settings.update': { allow: siteAdmin, input: () => ({ lowSharePercent: 25 }) },
	'admin.features.list': { allow: siteAdmin },
	'admin.features.upsert': { allow: siteAdmin, input: async (w, db) => ({ key: `f-${w.tag}`, name: 'Matrix feature', module: (await adminModule(w, db)).key, unit: 'word', tokensPerUnit: 2 }) },
	// A feature nothing has used: a site admin removes it, anyone else is refused before anything is read.
	'admin.features.remove': { allow: siteAdmin, input: async (w, db) => {
		await upsertFeature(db.orm, { key: `rm-${w.tag}`, name: 'Matrix mistake', module: (await adminModule(w, db)).key, unit: 'word', tokensPerUnit: 1 });
		return { key: `rm-${w.tag}` };
	} },
	// What a removal would be refused with, asked before it: a site admin's question only.
	'admin.features.kept': { allow: siteAdmin, input: async (w, db) => {
		await upsertFeature(db.orm, { key: `kept-${w.tag}`, name: 'Matrix kept', module: (await adminModule(w, db)).key, unit: 'word', tokensPerUnit: 1 });
		return { key: `kept-${w.tag}` };
	} },
	'admin.modules.kept': { allow: siteAdmin, input: async (w, db) => adminModule(w, db) },
	'admin.modules.upsert': { allow: siteAdmin, input: (w) => ({ key: `m-${w.tag}`, name: `Matrix module upserted ${w.tag}`, limitMessage: 'Limit reached.' }) },
	// A module with no feature and an allowance never used: a site admin removes it, anyone else is refused.
	'admin.modules.remove': { allow: siteAdmin, input: async (w, db) => {
		await upsertModule(db.orm, { key: `rm-m-${w.tag}`, name: 'Matrix mistake', limitMessage: 'Limit reached.' });
		return { key: `rm-m-${w.tag}` };
	} },
	'admin.models.upsert': { allow: siteAdmin, input: (w) => ({ key: `model-${w.tag}`, name: `Matrix model ${w.tag}`, engine: 'openai' }) },
	// A model nothing names: a site admin asks whether it would stay, and removes it; anyone else is refused.
	'admin.models.kept': { allow: siteAdmin, input: async (w, db) => {
		await upsertModel(db.orm, { key: `kept-model-${w.tag}`, name: 'Matrix kept model', engine: 'openai' });
		return { key: `kept-model-${w.tag}` };
	} },
	'admin.models.remove': { allow: siteAdmin, input: async (w, db) => {
		await upsertModel(db.orm, { key: `rm-model-${w.tag}`, name: 'Matrix mistake model', engine: 'openai' });
		return { key: `rm-model-${w.tag}` };
	} },
	'admin.allowances.list': { allow: siteAdmin },
	'admin.allowances.set': { allow: siteAdmin, input: async (w, db) => ({ module: (await adminModule(w, db)).key, audience: 'user', limitTokens: 100, period: 'daily' }) },
	'admin.caps.set': { allow: siteAdmin, input: (w) => ({ accountId: w.teamA.accountId, period: 'daily', limitTokens: 1000 }) },
	'admin.users.list': { allow: siteAdmin, input: (w) => ({ search: w.tag }) },
	'admin.users.adjustBalance': { allow: siteAdmin, input: (w) => ({ accountId: w.users.memberA.accountId, mode: 'delta', tokens: 100, reason: 'Matrix', key: `adjust-${w.tag}` }) },
	'admin.users.get': { allow: siteAdmin, input: (w) => ({ accountId: w.users.memberA.accountId }) },
	'admin.users.uses': { allow: siteAdmin, input: (w) => ({ accountId: w.users.memberA.accountId, limit: 20 }) },
	'admin.users.grantBonus': { allow: siteAdmin, input: (w) => ({ accountId: w.users.memberA.accountId, tokens: 100, note: 'Matrix', key: `bonus-${w.tag}` }) },
	'admin.users.grantUnlimited': { allow: siteAdmin, input: (w) => ({ accountId: w.teamA.accountId, note: 'Matrix tester', key: `unlimited-${w.tag}` }) },
	'admin.users.endLot': {
		allow: siteAdmin,
		input: async (w, db) => {
			const lot = await grant(db.orm, { accountId: w.users.memberA.accountId, tokens: 0, unlimited: true, source: 'admin', note: 'Matrix' });
			return { accountId: w.users.memberA.accountId, lotId: lot.lotId, key: `end-${w.tag}` };
		}
	},
	'admin.users.setRole': { allow: siteAdmin, input: async (w, db) => ({ userId: w.users.memberB.id, role: (await matrixRole(w, db)).key }) },
	'admin.users.setDisabled': { allow: siteAdmin, input: (w) => ({ userId: w.users.memberB.id, disabled: true }) },
	'admin.audit.list': { allow: siteAdmin, input: (w) => ({ account: w.users.memberA.accountId }) },
	'admin.audit.actions': { allow: siteAdmin },
	'admin.overview.get': { allow: siteAdmin },
	'admin.overview.usage': { allow: siteAdmin, input: () => ({ span: 30, by: 'model' }) },
	'admin.limits.list': { allow: siteAdmin },
	'admin.limits.save': {
		allow: siteAdmin,
		input: async (w, db) => ({ module: (await adminModule(w, db)).key, guest: 0, limitType: 'general', members: 100, roles: {}, period: 'weekly', limitMessage: 'Limit reached.', onExhausted: 'message' })
	},
	'admin.limits.rollover': {
		allow: siteAdmin,
		input: async (w, db) => {
			const { key } = await adminModule(w, db);
			await setAllowanceRule(db.orm, { module: key, audience: 'user', limitTokens: 100, period: 'weekly' });
			return { module: key, rollover: { capTokens: null, capPercent: 50, expiresAfterPeriods: 2 } };
		}
	},
	'admin.modules.list': { allow: siteAdmin },
	'admin.models.list': { allow: siteAdmin },
	'admin.ledger.reconcile': { allow: siteAdmin },
	'admin.catalog.preview': { allow: siteAdmin, input: () => ({ environment: 'sandbox' }) },
	'admin.catalog.sellsIn': { allow: siteAdmin },
	'admin.catalog.savings': { allow: siteAdmin, input: (w) => ({ id: `savings-pack-${w.tag}`, kind: 'pack', name: 'Savings pack', grants: [{ model: null, tokens: 100 }], priceCents: 100 }) },
	'admin.catalog.reorder': { allow: siteAdmin, input: async (w, db) => {
		await product(w, db);
		return { ids: (await listProducts(db.orm, { activeOnly: false })).map((p) => p.id).reverse() };
	} },
	'admin.catalog.setActive': { allow: siteAdmin, input: async (w, db) => ({ id: (await product(w, db)).productId, active: false }) },
	// A package never ordered: a site admin deletes it, anyone else is refused.
	'admin.catalog.remove': { allow: siteAdmin, input: async (w, db) => {
		await upsertProduct(db.orm, { id: `rm-pack-${w.tag}`, kind: 'pack', name: 'Matrix mistake', grants: [{ model: null, tokens: 100 }], priceCents: 100 });
		return { id: `rm-pack-${w.tag}` };
	} },
	'admin.campaigns.list': { allow: siteAdmin },
	'admin.campaigns.reach': { allow: siteAdmin, input: () => ({ audience: 'all' }) },
	'admin.campaigns.start': { allow: siteAdmin, input: (w) => ({ audience: 'team', teamId: w.teamA.id, tokens: 10, note: 'Matrix', key: `campaign-${w.tag}` }) },
	'admin.campaigns.applyAgain': { allow: siteAdmin, input: async (w, db) => ({
		id: (await startCampaign(db, { userId: w.users.siteAdmin.id, ip: null }, { audience: 'team', teamId: w.teamA.id, tokens: 10, note: 'Matrix', key: `campaign-${w.tag}` })).id
	}) },
	'admin.campaigns.figures': { allow: siteAdmin, input: async (w, db) => ({ id: (await matrixCampaign(w, db)).id }) },
	'admin.campaigns.changeExpiry': { allow: siteAdmin, input: async (w, db) => ({ id: (await matrixCampaign(w, db)).id, expiresOn: null }) },
	'admin.campaigns.end': { allow: siteAdmin, input: async (w, db) => ({ id: (await matrixCampaign(w, db)).id }) },
	'admin.payments.list': { allow: siteAdmin, input: () => ({ outcome: 'flagged' }) },
	'admin.roles.list': { allow: siteAdmin },
	'admin.roles.save': { allow: siteAdmin, input: (w) => ({ key: `role-${w.tag}`, name: `Matrix role ${w.tag}`, isNew: true }) },
	'admin.roles.delete': { allow: siteAdmin, input: matrixRole },
	'admin.referrals.rules': { allow: siteAdmin },
	'admin.referrals.setRules': { allow: siteAdmin, input: () => ({ enabled: true, referrerTokens: 100, referredTokens: 50, requirePurchase: false, expiresDays: null, dailyLimit: 10 }) },
	'referrals.panel': { allow: members },
	'admin.anomalies.open': { allow: siteAdmin },
	'anomalies.pauseKey': { allow: teamAManagers, input: memberAFlag },
	'anomalies.lowerCap': { allow: teamAManagers, input: memberAFlag },
	'keys.setPaused': { allow: teamAManagers, input: async (w, db) => ({ keyId: (await createAccountKey(db, w.auth.memberA!, { accountId: w.users.memberA.accountId, name: 'Bot', scopes: ['read'] })).id, paused: true }) }
};

let db: Db;
beforeAll(async () => {
	db = await freshDb();
	setDb(db);
});
afterAll(async () => db?.close());

function contextFor(w: World, who: CallerKind) {
	return createContext({ locals: { auth: w.auth[who], guestId: who === 'guest' ? w.guestId : null }, getClientAddress: () => '127.0.0.1' });
}

interface Outcome {
	ok: boolean;
	/** tRPC code and the domain code behind it, when refused. */
	code?: string;
	domainCode?: string;
	message?: string;
}

async function call(path: string, who: CallerKind, input: unknown, w: World): Promise<Outcome> {
	const caller = appRouter.createCaller(await contextFor(w, who)) as unknown as Record<string, unknown>;
	const fn = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (i: unknown) => Promise<unknown>;
	try {
		await fn(input);
		return { ok: true };
	} catch (e) {
		if (!(e instanceof TRPCError)) throw e;
		return { ok: false, code: e.code, domainCode: e.cause instanceof DomainError ? e.cause.code : undefined, message: e.message };
	}
}

/**
 * Whether the procedure at `path` is a query: a read, whose callers share a world. A world costs 13 statements
 * (21 ms on PGlite); sharing makes 199 worlds instead of 273, 3 core-seconds less on PGlite and 2 on PostgreSQL.
 */
const isQuery = (path: string) => (appRouter._def.procedures as unknown as Record<string, { _def: { query?: boolean } }>)[path]!._def.query === true;

/** Whether the procedure at `path` declares its input (a schema; `noInput` for none): one with no schema would ignore what it is sent. */
const takesInput = (path: string) => (appRouter._def.procedures as unknown as Record<string, { _def: { inputs: unknown[] } }>)[path]!._def.inputs.length > 0;

/**
 * `input` with a key no procedure takes, as `who` sends it: a BAD_REQUEST naming the key (a misspelt
 * field must not be dropped and the call said to work), and every table as it was. Problems, if any.
 */
async function strayKeyProblems(path: string, who: CallerKind, input: unknown, w: World): Promise<string[]> {
	const before = await tableDigests(db);
	const result = await call(path, who, { ...(input as object | undefined), extra: 1 }, w);
	const after = await tableDigests(db);
	const problems: string[] = [];
	if (result.code !== 'BAD_REQUEST' || !result.message?.includes('"extra"')) problems.push(`${who} with "extra": 1 should get BAD_REQUEST naming "extra" but got ${describeOutcome(result)}`);
	const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
	if (changed.length) problems.push(`${who} with "extra": 1 changed ${changed.join(', ')}`);
	return problems;
}

/** Refused for who the caller is: UNAUTHORIZED, FORBIDDEN, or a not_found that hides the resource. */
const isAuthRefusal = (o: Outcome) =>
	o.code === 'UNAUTHORIZED' || o.code === 'FORBIDDEN' || (o.code === 'NOT_FOUND' && (o.domainCode ?? 'not_found') === 'not_found');

/** An allowed caller's answer is right when it is success, or exactly the refusal its row lists. */
const isExpected = (o: Outcome, listed: string | undefined) => o.ok || (listed !== undefined && (o.domainCode ?? o.code) === listed);

const describeOutcome = (o: Outcome) => (o.ok ? 'success' : `${o.code}${o.domainCode ? ` (${o.domainCode})` : ''}: ${o.message}`);

/** A browser's subscription on FCM (never sent to: no alert is made here). */
function pushSubscription(tag: string) {
	const ecdh = createECDH('prime256v1');
	ecdh.generateKeys();
	return { endpoint: `https://fcm.googleapis.com/fcm/send/${tag}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } };
}

describe('authorization matrix', () => {
	const procedures = Object.keys(appRouter._def.procedures).sort();

	it('has a row for every procedure, and no row for a procedure that is gone', () => {
		expect(procedures.filter((p) => !(p in matrix)), 'procedures without a row in the matrix').toEqual([]);
		expect(Object.keys(matrix).filter((p) => !procedures.includes(p)), 'rows for procedures that do not exist').toEqual([]);
	});

	it('has every procedure declare its input, `noInput` for none: a procedure without a schema would ignore what it is sent', () => {
		expect(procedures.filter((p) => !takesInput(p))).toEqual([]);
	});

	for (const path of procedures) {
		const entry = matrix[path];
		if (!entry) continue; // reported by the test above
		it(`${path}: ${entry.allow.length === callerKinds.length ? 'everyone' : entry.allow.join(', ')}`, async () => {
			const problems: string[] = [];
			// The refused callers first, on the world (and input) the first allowed caller then gets: a refusal
			// changes nothing, and a call that wrongly gets through is a problem of the row whatever it changed.
			// Each further allowed caller of a mutation gets a world of its own, as its success may change what the next finds.
			const refused = callerKinds.filter((who) => !entry.allow.includes(who));
			const allowed = callerKinds.filter((who) => entry.allow.includes(who));
			let w: World | undefined;
			let input: unknown;
			for (const [i, who] of [...refused, ...allowed].entries()) {
				if (!w || (i > refused.length && !isQuery(path))) {
					w = await makeWorld(db);
					input = entry.input ? await entry.input(w, db) : undefined;
				}
				if (i === refused.length && takesInput(path)) problems.push(...(await strayKeyProblems(path, who, input, w)));
				const result = await call(path, who, input, w);
				if (!entry.allow.includes(who)) {
					if (!isAuthRefusal(result)) problems.push(`${who} should be refused but got ${describeOutcome(result)}`);
				} else if (!isExpected(result, entry.refusals?.[who])) {
					const listed = entry.refusals?.[who];
					problems.push(`${who} should ${listed ? `succeed or be refused with ${listed}` : 'succeed'} but got ${describeOutcome(result)}`);
				}
			}
			expect(problems).toEqual([]);
			await expectInvariants(db);
		});
	}
});

/** The console's streamed CSV downloads: site admins get the file, everyone else 401/403 and no rows. */
describe('authorization of the admin export endpoints', () => {
	const exportPaths = ['/admin/exports/users', '/admin/exports/teams', '/admin/exports/audit?action=key.created', '/admin/exports/operations?from=2000-01-01&to=2100-01-01', '/admin/exports/payments?from=2000-01-01&to=2100-01-01'];
	for (const path of exportPaths) {
		it(`${path}: siteAdmin only`, async () => {
			const w = await makeWorld(db);
			await useDb(db);
			const problems: string[] = [];
			for (const who of callerKinds) {
				const u = who === 'guest' ? null : w.users[who];
				const cookie = u ? `${SESSION_COOKIE}=${(await createSession(db.orm, u.id)).token}` : '';
				const res = await callRoute(path, { headers: cookie ? { cookie } : {} });
				const text = await res.text();
				if (who === 'siteAdmin') {
					if (res.status !== 200 || !res.headers.get('content-type')?.startsWith('text/csv') || res.headers.get('cache-control') !== 'no-store') problems.push(`${who}: got ${res.status} ${res.headers.get('content-type')}`);
				} else {
					const expected = who === 'guest' ? 401 : 403;
					if (res.status !== expected || text.includes(w.users.memberA.email!)) problems.push(`${who}: expected ${expected} without data, got ${res.status}`);
				}
			}
			expect(problems).toEqual([]);
		});
	}
});
