import { TRPC_URL } from '../../trpc-path';

/**
 * The procedures a tRPC URL names, split as tRPC 10 splits them: `/trpc/a.b` one, a batch
 * `/trpc/a.b,c.d?batch=1` each (its path decoded first); null when a batch's path is not encoded right.
 */
export function callsNamed(url: URL): string[] | null {
	const path = url.pathname.slice(TRPC_URL.length + 1);
	if (!url.searchParams.get('batch')) return [path];
	try {
		return decodeURIComponent(path).split(',');
	} catch {
		return null;
	}
}
