// A free-allowance limit as the Limits page sends it: a number of tokens, or unlimited chosen in so
// many words. An empty field is neither: it once saved "unlimited", an easy slip for a site owner
// who meant to type a number, so the form and the domain (ledger/limits.ts) both refuse it.

/** Unlimited, as a limit field sends it when its Unlimited box is ticked. */
export const UNLIMITED = 'unlimited';

/** A limit chosen: tokens per period (0 turns the module off for that audience), or unlimited. */
export type LimitChoice = number | typeof UNLIMITED;

/** What a limit field left empty, without Unlimited ticked, is told (under the field, and by the server). */
export const NO_LIMIT_CHOSEN = 'Enter a number of tokens (0 turns it off), or tick Unlimited.';
