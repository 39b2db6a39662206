// A team's pool in words, as every page, notice and mail says it (the widget keeps its own tested copy):
// "Acme Studio pool", "Acme Studio's pool"; a team whose name already ends in the word "pool" (any
// case) is its pool's name as it stands, so "Acme Pool" never reads "Acme Pool pool".

/** Whether the name's last word is "pool" ("Acme Pool", "DESIGN POOL"; not "Carpool"). */
const endsInPool = (team: string) => /\bpool$/i.test(team);

/** "Acme Studio pool"; "Acme Pool" as it is. */
export function poolName(team: string): string {
	return endsInPool(team) ? team : `${team} pool`;
}

/** "Acme Studio's pool" (whose: "tokens added to …", "… ran out"); "Acme Pool" as it is. */
export function teamsPool(team: string): string {
	return `${team}${afterTeamsName(team)}`;
}

/** What follows a team's name (a link, say) to make it `teamsPool`: "'s pool", or nothing after "Acme Pool". */
export function afterTeamsName(team: string): string {
	return endsInPool(team) ? '' : "'s pool";
}
