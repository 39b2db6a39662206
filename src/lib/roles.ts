/** Roles every site has (server and browser alike): `admin` opens the console, `subscriber` is what a new user gets. */
export const BUILT_IN_ROLES: readonly string[] = ['admin', 'subscriber'];
