/** What a form or list says when its request got no answer (errors.ts), and what Said clears once the connection is back. */
export const OFFLINE_WORDS = 'You are offline. Try again when you have a connection.';
