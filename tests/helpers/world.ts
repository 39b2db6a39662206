import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/lib/server/db';
import { teamMembers } from '../../src/lib/server/db/schema';
import { createSession, createTeam, createUser, validateSessionToken, type Auth, type CreatedUser } from '../../src/lib/server/accounts';

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
		createUser(db.orm, { email: `${who.toLowerCase()}-${tag}@example.com`, name: `${who} ${tag}`, siteRole });
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
	const users = { memberA, memberB, teamMember, otherTeamAdmin, siteAdmin, teamBOwner };
	const session = async (u: CreatedUser) => {
		const s = await createSession(db.orm, u.id);
		return (await validateSessionToken(db, s.token))!.auth;
	};
	const auth: World['auth'] = {
		guest: null,
		memberA: await session(memberA),
		memberB: await session(memberB),
		teamMember: await session(teamMember),
		otherTeamAdmin: await session(otherTeamAdmin),
		siteAdmin: await session(siteAdmin)
	};
	return { tag, users, auth, teamA, teamB, guestId: `guest-${tag}` };
}
