import { json } from '@sveltejs/kit';
import { health } from '$lib/server/health';

export const GET = async () => {
	const report = await health();
	return json(report, { status: report.ok ? 200 : 503, headers: { 'cache-control': 'no-store' } });
};
