// The longest text a list's search or filter box takes (the console's Users search, the audit log's
// Who and Account), in characters as a person counts them (lib/text-length.ts): the server's schemas
// refuse longer, and the boxes' own limit and their slip for a longer value a URL brought
// (lib/client/admin/room-left.ts) read the same number.

export const SEARCH_MAX = 200;

/** The longest action name the audit log's Action filter takes (a link may bring longer; the page says so beside it). */
export const ACTION_MAX = 100;

/**
 * The audit log's Action filter for every action but signing in and out, which on a site with active
 * members fill the log's first screens (newcomer walk 6): not an action's name (those have a dot).
 */
export const ALL_BUT_SESSIONS = 'all-but-sessions';
