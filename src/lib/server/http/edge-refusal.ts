import type { RequestEvent } from '@sveltejs/kit';
import { isTrpcPath } from '../../trpc-path';
import { trpcRefusal } from '../trpc/edge-answer';
import { errorResponse, toHttpError } from './refusals';

/**
 * A hook's own refusal of a JSON request (`e`: an HttpError, a DomainError, an outage; anything else is
 * logged and answered 500), in the shape its caller reads: each call's tRPC error on `/trpc/…`,
 * `{"error","message"}` elsewhere. One place picks, so no hook answers the app's calls in REST's shape.
 */
export function edgeRefusal(event: RequestEvent, e: unknown): Response {
	const refusal = toHttpError(e, `${event.request.method} ${event.route?.id ?? event.url.pathname}`);
	return isTrpcPath(event.url.pathname) ? trpcRefusal(event.url, refusal) : errorResponse(refusal);
}
