import type { RequestEvent } from '@sveltejs/kit';
import { isTrpcPath } from '../../trpc-path';
import { answersJson } from './json-paths';

/** Whether the caller reads HTML (a page navigation), not JSON (REST, tRPC, form actions, `__data.json`). */
export function wantsPage(event: RequestEvent): boolean {
	if (answersJson(event.url.pathname) || isTrpcPath(event.url.pathname) || event.isDataRequest) return false;
	if (event.request.headers.has('x-sveltekit-action')) return false;
	return (event.request.headers.get('accept') ?? '').includes('text/html');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** `text` safe inside HTML text and attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * A page of the server's own, outside the app (no scripts: it must not grow the JavaScript every
 * page loads at start): a title, a heading and `body` (HTML, its text escaped by the caller), in
 * the app's colours. Answers with `status` and `headers`, never cached.
 */
export function plainPage(p: { status: number; title: string; heading: string; body: string; head?: string; headers?: Record<string, string> }): Response {
	const html =
		`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">${p.head ?? ''}` +
		`<title>${escapeHtml(p.title)}</title><link rel="icon" href="/favicon.svg" type="image/svg+xml">` +
		`<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f6f7f9;color:#1b1f24}` +
		`main{max-width:26rem;padding:1.5rem;text-align:center;overflow-wrap:anywhere}h1{font-size:1.5rem;margin:.5rem 0}p{margin:0 0 1rem;color:#4a5260}` +
		`a{color:#3b3bd4}.actions{display:flex;gap:.6rem;justify-content:center;flex-wrap:wrap;margin-top:1.5rem}` +
		`.btn{display:inline-block;padding:.7rem 1.2rem;border-radius:999px;border:1px solid #3b3bd4;font-weight:700;text-decoration:none}` +
		`.btn.primary{background:#3b3bd4;color:#fff}</style></head>` +
		`<body><main><img src="/icons/logo-128.png" alt="" width="48" height="48"><h1>${escapeHtml(p.heading)}</h1>${p.body}</main></body></html>`;
	return new Response(html, { status: p.status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...p.headers } });
}
