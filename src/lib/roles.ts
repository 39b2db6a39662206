/**
 * Roles every site has (server and browser alike): `admin` opens the console, `subscriber` is what a
 * new user gets (shown as "Member" unless the site names it: "Subscriber" read as a paid plan; drizzle/0026).
 */
export const BUILT_IN_ROLES: readonly string[] = ['admin', 'subscriber'];

/** The role every sign-up gets (and a user created without one). */
export const SIGN_UP_ROLE = 'subscriber';
