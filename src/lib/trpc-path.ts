/**
 * Where the app's tRPC calls go: `/trpc/<procedure>[,<procedure>…]`, a batch with `?batch=1`. The
 * server's handle, the browser's client, the page's early queries and every hook that treats these
 * calls apart (their answers' shape, their methods, their deadline) read this one value.
 */
export const TRPC_URL = '/trpc';

/** Whether `pathname` is a tRPC call's (`/trpc/…`; `/trpc` alone names no procedure). */
export const isTrpcPath = (pathname: string): boolean => pathname.startsWith(`${TRPC_URL}/`);
