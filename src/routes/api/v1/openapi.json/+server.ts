import { json } from '@sveltejs/kit';
import { openApiDocument } from '$lib/server/rest/openapi';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ url }) => json(openApiDocument(url.origin), { headers: { 'cache-control': 'public, max-age=300' } });
