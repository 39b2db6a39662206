/**
 * Roles every site has (server and browser alike): `admin` opens the console, `subscriber` is what a
 * new user gets (its shown name is the site's: "Member" in the demo, where "Subscriber" read as a paid plan).
 */
export const BUILT_IN_ROLES: readonly string[] = ['admin', 'subscriber'];
