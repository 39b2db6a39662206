// How the app writes a percentage, on every page, in the console, in mails, pushes and the store:
// "54%", as English writes it (no space before the sign). One function, so no page says "54 %".

/** `percent` (54 for 54%) as shown: "54%". The number is written as given (callers round first). */
export const percentText = (percent: number): string => `${percent}%`;

/** A bundle's or plan's saving as the store's badge and the Catalog say it: "Save 25%". `percent`: whole percent. */
export const saveLabel = (percent: number): string => `Save ${percentText(percent)}`;
