/**
 * What a form's save came to, as the form says it under itself (components/Outcome.svelte): done
 * ("ok"), kept on the device until the connection is back ("low"), or refused, with why ("empty").
 * The kinds are the app's alert colours.
 */
export type SaveMessage = { kind: 'ok' | 'low' | 'empty'; text: string };
