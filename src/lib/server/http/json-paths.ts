/**
 * Whether every answer at `pathname` is JSON, its errors `{"error","message"}`: the REST API, and the
 * embedded store's endpoints, which its page (`/embed/store` itself) calls. A path there that names no
 * endpoint is a JSON 404 too, not the not-found page a browser's navigation gets.
 */
export const answersJson = (pathname: string): boolean => pathname.startsWith('/api/') || pathname.startsWith('/embed/store/');

/** REST v1: its routes check the caller before anything the request carries (rest/handler.ts `endpoint`). */
export const REST_PATH = '/api/v1/';
