/**
 * How long a move of the free allowances' resets (a new site time zone or week start) waits before
 * the members it moves them for are told: an admin who tries one zone, then another (or goes back)
 * within it makes one move, told once from the settings before the first save to those after the
 * last; going back tells no one (alerts/reset-notices.ts). The console's settings form says it.
 */
export const RESETS_QUIET_SECONDS = 300;
