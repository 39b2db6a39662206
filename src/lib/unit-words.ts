// What a feature's rate is counted in, in DESIGN.md's words (word, character, model token, operation):
// the Rates form, the rates list, the playground, a use's details and the audit log say it alike.

export type Unit = 'word' | 'character' | 'token' | 'operation';

const WORD: Record<Unit, string> = { word: 'word', character: 'character', token: 'model token', operation: 'operation' };

/** One unit in words: "model token" for `token` (what the model counted, not the account's tokens); an unknown key as it is. */
export const unitWord = (unit: string): string => WORD[unit as Unit] ?? unit;
