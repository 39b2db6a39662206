/**
 * A name's first character, capitalised, for an avatar: a whole character (a code point), never
 * half of one, so a name starting with an emoji shows the emoji, not "�". Empty for an empty name.
 */
export const initial = (name: string): string => [...name.trim()][0]?.toUpperCase() ?? '';
