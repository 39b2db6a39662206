// Where a person lands who has just joined a team by its invitation (from the invitation's page or
// straight from sign-up): the team's own page, which says once that they joined (`?joined=<teamId>`).

/** The query parameter the Team page reads, and removes, to say "You joined …" once. */
export const JOINED_PARAM = 'joined';

/** The path after an accepted invitation: the Team page saying so, or the dashboard when they were in the team already (nothing new to say). */
export function pathAfterJoining(joined: { teamId: string; alreadyMember: boolean }): string {
	return joined.alreadyMember ? '/dashboard' : `/team?${JOINED_PARAM}=${encodeURIComponent(joined.teamId)}`;
}
