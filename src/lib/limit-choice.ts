// A free-allowance limit as the Limits page sends it, chosen in words: a number of tokens, Unlimited,
// or None (no free tokens: the audience pays from its balance). An empty field is none of them: it once
// saved "unlimited", an easy slip for a site owner who meant to type a number, so the form and the
// domain (ledger/limits.ts) both refuse it.

/** Unlimited, as a limit field sends it when Unlimited is chosen. */
export const UNLIMITED = 'unlimited';

/** None: no free tokens, the audience pays from its balance (a guest, who has none, needs an account). */
export const NONE = 'none';

/** A limit chosen: tokens per period (0: not available to that audience, even with a balance), unlimited, or none. */
export type LimitChoice = number | typeof UNLIMITED | typeof NONE;

/** What a limit field left empty, with "Free tokens" chosen, is told (under the field, and by the server). */
export const NO_LIMIT_CHOSEN = 'Enter a number of tokens (0: not available), or choose Unlimited or None.';
