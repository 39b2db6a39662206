// The console's Payments filters as a link names them (/admin/payments?outcome=flagged&account=<id>):
// one list of outcomes and one wording of a bad account id, for the server's schema and the page that
// says a bad one beside its field before asking.

/** What Payments' Show filter takes: an outcome, or `duplicate` (delivered more than once). */
export const PAYMENT_FILTERS = ['flagged', 'deferred', 'applied', 'ignored', 'duplicate'] as const;
export type PaymentFilter = (typeof PAYMENT_FILTERS)[number];

/** The refusal of an account filter that is no account id (a uuid), as the page and the server say it. */
export const accountIdWords = (text: string) => `“${text}” is not an account's id: open an account's payments from its page in the console.`;
