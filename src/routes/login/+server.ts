import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** Where people (and password managers) look first: the sign-in page is /signin; the query (?next=) goes along. */
export const GET: RequestHandler = ({ url }) => redirect(308, `/signin${url.search}`);
