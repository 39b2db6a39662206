import { call } from './http';
import { Quota } from '../../sdk/src/index.js';

// The SDK with the app's own hooks and routes as its fetch (no network hop), for integration tests.

/** Requests the SDK sent, as the app received them. */
export const sent: Request[] = [];
let cut = false;
/** Ends the next stream after its first balance event, as a dropped connection would. */
export const cutNextStream = () => void (cut = true);

async function viaApp(request: Request): Promise<Response> {
	sent.push(request.clone());
	const url = new URL(request.url);
	const body = request.method === 'GET' ? undefined : await request.text();
	const res = await call(url.pathname + url.search, { method: request.method, headers: Object.fromEntries(request.headers), body, signal: request.signal });
	if (!url.pathname.endsWith('/stream') || !cut || !res.body) return res;
	cut = false;
	let text = '';
	const cutter = new TransformStream<Uint8Array, Uint8Array>({
		transform(chunk, controller) {
			controller.enqueue(chunk);
			text += new TextDecoder().decode(chunk);
			if (text.includes('event: balance')) controller.terminate();
		}
	});
	return new Response(res.body.pipeThrough(cutter), { status: res.status, headers: res.headers });
}

/** An SDK client that reaches the app through its handler. */
export const appSdk = (apiKey: string) => new Quota({ baseUrl: 'http://localhost:3000', apiKey, fetch: viaApp });
