import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { DomainError } from '$lib/server/errors';
import { isSiteAdmin } from '$lib/server/accounts';
import { errorResponse } from '$lib/server/http/refusals';
import { withDb } from '$lib/server/forms';
import { auditCsv, operationsCsv, paymentsCsv, teamsCsv, usersCsv, type CsvExport } from '$lib/server/admin';
import type { Executor } from '$lib/server/db/client';

// Downloads made on request, with the admin's session: never part of the prerendered shell.
export const prerender = false;

const param = (url: URL, name: string) => url.searchParams.get(name)?.slice(0, 200) || null;

const exports: Record<string, (exec: Executor, url: URL) => CsvExport | Promise<CsvExport>> = {
	users: (exec) => usersCsv(exec),
	teams: (exec) => teamsCsv(exec),
	audit: (exec, url) => auditCsv(exec, { actor: param(url, 'actor'), action: param(url, 'action'), account: param(url, 'account'), from: param(url, 'from'), to: param(url, 'to') }),
	operations: (exec, url) => {
		const from = param(url, 'from');
		const to = param(url, 'to');
		if (!from || !to) throw new DomainError('invalid_input', 'Give the range as ?from=YYYY-MM-DD&to=YYYY-MM-DD, such as ?from=2026-01-01&to=2026-01-31.');
		return operationsCsv(exec, { from, to });
	},
	payments: (exec, url) => {
		const from = param(url, 'from');
		const to = param(url, 'to');
		if (!from || !to) throw new DomainError('invalid_input', 'Give the range as ?from=YYYY-MM-DD&to=YYYY-MM-DD, such as ?from=2026-01-01&to=2026-01-31.');
		return paymentsCsv(exec, { from, to });
	}
};

/**
 * GET /admin/exports/users · /admin/exports/teams · /admin/exports/audit?actor&action&account&from&to ·
 * /admin/exports/operations?from&to · /admin/exports/payments?from&to — a streamed CSV download for site admins (401 signed out,
 * 403 for members and team owners, 404 for another name, 400 for a bad date or range, as the
 * console's forms answer bad input): JSON, or the error page when a browser opens the address itself.
 */
export const GET: RequestHandler = async ({ locals, params, url, request, route }) => {
	try {
		if (!locals.auth) throw new DomainError('unauthorized', 'Sign in first.');
		if (!isSiteAdmin(locals.auth)) throw new DomainError('forbidden', 'Only site admins can export.');
		const make = Object.hasOwn(exports, params.kind) ? exports[params.kind] : undefined;
		if (!make) throw new DomainError('not_found', 'No such export: users, teams, audit, operations or payments.');
		const file = await withDb((db) => make(db.orm, url));
		return new Response(file.body, {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${file.filename}"`,
				// Other people's data: never kept by a cache or the service worker.
				'cache-control': 'no-store',
				'x-content-type-options': 'nosniff'
			}
		});
	} catch (e) {
		const answer = errorResponse(e, { request, route }, true);
		// Opened as a page (a link pasted, a bookmark), not fetched by the console: the refusal as the app's error page, not JSON.
		if (e instanceof DomainError && request.headers.get('accept')?.includes('text/html')) error(answer.status, e.message);
		return answer;
	}
};
