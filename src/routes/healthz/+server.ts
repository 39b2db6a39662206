import { json } from '@sveltejs/kit';
import { health } from '$lib/server/health';
import { RETRY_AFTER_SECONDS } from '$lib/server/db/outage';

export const GET = async () => {
	const report = await health();
	const headers: Record<string, string> = { 'cache-control': 'no-store' };
	if (!report.ok) headers['retry-after'] = String(RETRY_AFTER_SECONDS);
	return json(report, { status: report.ok ? 200 : 503, headers });
};
