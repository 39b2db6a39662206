/**
 * The name of tokens, an allocation or a use that no one model is tied to: the same words on the
 * dashboard, the admin's pages, reports and the usage charts (the widget, plain JS, says it in its own languages).
 */
export const ALL_MODELS = 'All models';
