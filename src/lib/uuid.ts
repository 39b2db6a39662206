const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `id` is a uuid's text (any case). The server checks it before `::uuid`, so a malformed id
 * is the caller's "no such" answer instead of a cast error; a page, before asking about an address's id.
 */
export function isUuid(id: string): boolean {
	return UUID.test(id);
}
