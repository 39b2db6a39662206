/**
 * The words for tokens, an allocation or a use that no one model is tied to, as the vocabulary
 * (docs/ARCHITECTURE.md) names them: the "general balance", the part of the balance usable on any model.
 * One source for the dashboard, the admin's pages, the store, reports and the usage charts (the widget,
 * plain JS, says it in its own languages), so no page calls them a "pool" or "all models".
 */
export const GENERAL_BALANCE = 'General balance';

/**
 * A use (a report's or a chart's row beside the models, a usage entry's Model) whose operation names no
 * model: a fixed-cost feature's ("Generate all"), or one the site priced without a model. Not "No model
 * named", which read as a name missing; not "general balance", a lot's word, not a use's. The
 * operations CSV leaves its `model` key empty.
 */
export const NO_MODEL = 'No particular model';

/** Unlimited use tied to no one model (a lot's Model, the Account card's scope): it is no balance, so not "General balance". */
export const EVERY_MODEL = 'Every model';

/** A model picker's choice of no one model: the tokens go to the general balance. */
export const ANY_MODEL = 'Any model (general balance)';
