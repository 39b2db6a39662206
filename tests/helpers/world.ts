import { randomBytes } from 'node:crypto';
import { setDb, type Db } from '../../src/lib/server/db';
import { inArray, sql } from 'drizzle-orm';
import { sessions, teamMembers, users } from '../../src/lib/server/db/schema';
import { createTeam, createUser, type Auth, type CreatedUser } from '../../src/lib/server/accounts';
import { hashToken, randomToken } from '../../src/lib/server/accounts/tokens';
import { appRouter } from '../../src/lib/server/trpc/router';
import { createContext } from '../../src/lib/server/trpc/init';
import { freshDb } from './db';

/** The kinds of caller every authorization test looks at. */
export const callerKinds = ['guest', 'memberA', 'memberB', 'teamMember', 'otherTeamAdmin', 'siteAdmin'] as const;
export type CallerKind = (typeof callerKinds)[number];

export interface World {
	tag: string;
	users: Record<Exclude<CallerKind, 'guest'> | 'teamBOwner', CreatedUser>;
	/** A signed-in session per caller (null for the guest). */
	auth: Record<CallerKind, Auth | null>;
	/** memberA owns teamA; teamMember is a plain member of it. */
	teamA: { id: string; accountId: string };
	/** otherTeamAdmin administers teamB (owned by teamBOwner), and is not in teamA. */
	teamB: { id: string; accountId: string };
	guestId: string;
}

/**
 * memberA (owner of teamA, with teamMember in it), memberB (no team), otherTeamAdmin
 * (admin of teamB) and a site admin, each with a live session. Users have no passwords
 * (fast to create); emails are unique per world.
 */
export async function makeWorld(db: Db): Promise<World> {
	const tag = randomBytes(4).toString('hex');
	const make = (who: string, siteRole = 'subscriber') =>
		createUser(db.orm, { email: `${who.toLowerCase()}-${tag}@example.com`, name: `${who} ${tag}`, siteRole, emailConfirmed: true });
	const [memberA, memberB, teamMember, otherTeamAdmin, siteAdmin, teamBOwner] = await Promise.all([
		make('MemberA'),
		make('MemberB'),
		make('TeamMember'),
		make('OtherTeamAdmin'),
		make('SiteAdmin', 'admin'),
		make('TeamBOwner')
	]);
	const teamA = await createTeam(db.orm, { name: `Team A ${tag}`, ownerUserId: memberA.id });
	const teamB = await createTeam(db.orm, { name: `Team B ${tag}`, ownerUserId: teamBOwner.id });
	await db.orm.insert(teamMembers).values([
		{ teamId: teamA.id, userId: teamMember.id, role: 'member' },
		{ teamId: teamB.id, userId: otherTeamAdmin.id, role: 'admin' }
	]);
	// A live session per signed-in caller, and the Auth a request with its cookie resolves to: what
	// createSession and validateSessionToken (tested in accounts-auth) make of a new user's sign-in, in
	// 2 statements instead of 25. The authorization matrix makes a world per allowed caller of each row.
	const signedIn: [Exclude<CallerKind, 'guest'>, CreatedUser][] = [['memberA', memberA], ['memberB', memberB], ['teamMember', teamMember], ['otherTeamAdmin', otherTeamAdmin], ['siteAdmin', siteAdmin]];
	const auth = { guest: null } as World['auth'];
	for (const [who, u] of signedIn) {
		auth[who] = { sessionId: hashToken(randomToken()), user: { id: u.id, accountId: u.accountId, email: u.email, name: u.name, siteRole: u.siteRole, timeZone: null } };
	}
	const expiresAt = new Date(Date.now() + 86_400_000);
	await db.orm.insert(sessions).values(signedIn.map(([who, u]) => ({ id: auth[who]!.sessionId, userId: u.id, expiresAt })));
	await db.orm.update(users).set({ lastSeenAt: sql`now()` }).where(inArray(users.id, signedIn.map(([, u]) => u.id)));
	return { tag, users: { memberA, memberB, teamMember, otherTeamAdmin, siteAdmin, teamBOwner }, auth, teamA, teamB, guestId: `guest-${tag}` };
}

/** The tRPC API as the app's routes call it for one caller. */
export type Caller = ReturnType<typeof appRouter.createCaller>;

/**
 * The tRPC API as a request signed in as `auth` gets it (a world's `w.auth.<kind>`, or a test's own
 * Auth; null: signed out), from the address `ip`, which audit entries record.
 */
export async function callerAs(auth: Auth | null, ip = '10.9.0.1'): Promise<Caller> {
	return appRouter.createCaller(await createContext({ locals: { auth, guestId: null }, getClientAddress: () => ip }));
}

/**
 * What a console test file starts from: a fresh database that the app uses, made ready by `prepare`
 * (rates, modules; none by default), a world in it, and the world's site admin's caller from `ip`.
 * Close `db` in the file's afterAll.
 */
export async function adminWorld(ip?: string, prepare?: (db: Db) => Promise<unknown>): Promise<{ db: Db; w: World; admin: Caller }> {
	const db = await freshDb();
	setDb(db);
	await prepare?.(db);
	const w = await makeWorld(db);
	return { db, w, admin: await callerAs(w.auth.siteAdmin, ip) };
}
