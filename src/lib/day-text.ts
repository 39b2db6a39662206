// A calendar day as a query or a link gives it (YYYY-MM-DD): the server's date filters (the audit
// log, the operations export) and the console's pages read the same rule and say the same words.

/**
 * A real calendar day as YYYY-MM-DD: not 2026-02-30 (which Date.parse rolls over), nor year 0000,
 * which the ISO form allows and PostgreSQL has not (its date is out of range).
 */
export const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !s.startsWith('0000') && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/** The refusal of a date that is not one: names the field and shows the form ("from must be a date as YYYY-MM-DD, such as 2026-01-31; got "13/01/2026"."). */
export const dayRule = (field: string, got: string) => `${field} must be a date as YYYY-MM-DD, such as 2026-01-31; got ${JSON.stringify(got.slice(0, 40))}.`;
