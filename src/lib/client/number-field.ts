// Reading a type=number field without taking a slip for an empty field.

/**
 * What a type=number field holds: its number; null when it is empty; NaN when it holds text the
 * browser cannot read as a number (letters: its value is then "" with validity.badInput). A slip is
 * refused as one, never taken for an empty field, which often means "no limit".
 */
export const numberIn = (input: HTMLInputElement): number | null => (input.validity.badInput ? NaN : input.value.trim() === '' ? null : input.valueAsNumber);
