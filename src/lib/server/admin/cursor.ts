import { cursorRefusal } from '../errors';

/**
 * Keyset pages: a cursor is the last row's (sort value, id), opaque to the browser (base64url JSON).
 * A page asks for "rows after this one" instead of an offset, so page 2,000 costs what page 1 does.
 */
export function encodeCursor(value: string | number, id: string | number): string {
	return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

/** The (value, id) of a cursor made by encodeCursor; anything else is `invalid_input`. */
export function decodeCursor(cursor: string): [string | number, string | number] {
	try {
		const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
		if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)))) {
			return v as [string | number, string | number];
		}
	} catch {
		// reported below
	}
	throw cursorRefusal();
}

/** Escapes LIKE wildcards so a search for "50%" finds "50%", not everything. */
export const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
