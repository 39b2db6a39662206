// Whether this browser holds a session, in a form the page's own scripts can read. The session
// cookie is HttpOnly (no script may read its token), so the server keeps a second cookie beside
// it, `quota_signed_in=1`, set, renewed and removed with it (lib/server/http/identify.ts). A
// signed-in page (a prerendered shell, opened from the service worker's cache) asks for its
// figures only with this mark: without it a visitor is sent to sign in at once, and no request
// is answered 401 (which the browser logs as an error in its console).

export const SIGNED_IN_COOKIE = 'quota_signed_in';

/** The mark in a `document.cookie` string (`a=1; quota_signed_in=1`); written as it is into the pages' first-queries script. */
export const SIGNED_IN_MARK = /(?:^|;\s*)quota_signed_in=/;

/** Whether `cookies` (a `document.cookie` string) holds the signed-in mark. */
export function hasSignedInMark(cookies: string): boolean {
	return SIGNED_IN_MARK.test(cookies);
}
