// The browser around the client state modules in a unit test: window, document, navigator,
// location, localStorage and the app's server as tRPC answers it, stood in by small fakes that
// behave like the real APIs in what the modules use. Install with `fakeBrowser()` in beforeEach and
// remove with `vi.unstubAllGlobals()` in afterEach.
import { vi } from 'vitest';
// IndexedDB itself (the spec's behaviour, the real `idb` wrapper on top), a fresh device per fakeBrowser().
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { SIGNED_IN_COOKIE } from '../../src/lib/signed-in';

type Answer = (input: unknown) => unknown;

/** A refusal as the server words it (tRPC error shape), e.g. `new Refusal('UNAUTHORIZED', 401, 'Sign in.')`. */
export class Refusal extends Error {
	constructor(
		readonly code: string,
		readonly httpStatus: number,
		message: string
	) {
		super(message);
	}
}

const server = {
	up: true,
	/** A network that carries nothing: requests neither answer nor fail until their signal aborts them (as fetch rejects). */
	silent: false,
	answers: {} as Record<string, Answer>,
	calls: [] as { path: string; input: unknown }[]
};

/** A request on a network that carries nothing: no answer and no failure until its signal aborts it, when it rejects as fetch does. */
export function unanswered(init: RequestInit = {}): Promise<never> {
	return new Promise((_, reject) => {
		const signal = init.signal;
		if (signal?.aborted) reject(signal.reason);
		signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
	});
}

/**
 * The network to the app's server: tRPC's batched queries and mutations (`/trpc/a,b?batch=1`) and
 * the outbox's single mutations (`/trpc/path`); each procedure answers with `server.answers[path]`.
 * One function for the whole run: the tRPC client keeps the `fetch` it was made with.
 */
async function fetchFromServer(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
	if (!server.up) throw new TypeError('Failed to fetch');
	if (server.silent) return unanswered(init);
	const url = new URL(String(input), location.origin);
	const batch = url.searchParams.get('batch') === '1';
	const body = init.body ? JSON.parse(String(init.body)) : undefined;
	const inputs = init.method === 'POST' ? body : JSON.parse(url.searchParams.get('input') ?? '{}');
	const paths = url.pathname.replace(/^\/trpc\//, '').split(',');
	const results = await Promise.all(
		paths.map(async (path, i) => {
			const given = batch ? inputs?.[i] : body;
			server.calls.push({ path, input: given });
			try {
				const answer = server.answers[path];
				if (!answer) throw new Refusal('NOT_FOUND', 404, `No procedure ${path}.`);
				return { result: { data: await answer(given) } };
			} catch (e) {
				if (!(e instanceof Refusal)) throw e;
				return { error: { message: e.message, code: -32000, data: { code: e.code, httpStatus: e.httpStatus } } };
			}
		})
	);
	return Response.json(batch ? results : results[0]);
}

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
	const items = new Map<string, string>();
	return {
		getItem: (k) => items.get(k) ?? null,
		setItem: (k, v) => void items.set(k, String(v)),
		removeItem: (k) => void items.delete(k)
	};
}

export interface BrowserOptions {
	online?: boolean;
	path?: string;
	userAgent?: string;
	/** navigator.serviceWorker, where the test needs one (fakeServiceWorker). */
	serviceWorker?: EventTarget;
	/** Whether the device holds the signed-in mark (default: it does). */
	signedIn?: boolean;
	/** Extra properties of window (e.g. PushManager, Notification). */
	window?: Record<string, unknown>;
}

export function fakeBrowser(opts: BrowserOptions = {}) {
	server.up = opts.online ?? true;
	server.silent = false;
	server.answers = {};
	server.calls = [];
	const location = Object.assign(new URL(opts.path ?? '/dashboard', 'https://quota.test'), { reload: vi.fn(), replace: vi.fn() });
	const navigator = {
		onLine: server.up,
		userAgent: opts.userAgent ?? 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0',
		platform: 'Linux x86_64',
		maxTouchPoints: 0,
		...(opts.serviceWorker ? { serviceWorker: opts.serviceWorker } : {})
	};
	// A device signed in, as the server marks it beside the HttpOnly session cookie (lib/signed-in.ts).
	const document = Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState, readyState: 'complete' as DocumentReadyState, cookie: opts.signedIn === false ? '' : `${SIGNED_IN_COOKIE}=1` });
	const window = Object.assign(new EventTarget(), { fetch: fetchFromServer, location, navigator, document, ...opts.window });
	const globals = { window, document, navigator, location, localStorage: memoryStorage(), indexedDB: new IDBFactory(), fetch: fetchFromServer, matchMedia: () => ({ matches: false }), ...opts.window };
	for (const [name, value] of Object.entries(globals)) vi.stubGlobal(name, value);
	return {
		server,
		location,
		/** The connection drops (or comes back): navigator.onLine changes and the window hears of it. */
		setOnline(online: boolean) {
			server.up = navigator.onLine = online;
			window.dispatchEvent(new Event(online ? 'online' : 'offline'));
		},
		/** The page is hidden (another tab, the phone locked) or shown again. */
		setVisible(visible: boolean) {
			document.visibilityState = visible ? 'visible' : 'hidden';
			document.dispatchEvent(new Event('visibilitychange'));
		},
		window,
		navigator
	};
}

/**
 * navigator.serviceWorker with one registration: Background Sync records the tags asked for, and
 * the worker's messages to the page are `message` events on it (`post`).
 */
export function fakeServiceWorker() {
	const registration = Object.assign(new EventTarget(), {
		waiting: null as unknown,
		installing: null as unknown,
		syncTags: [] as string[],
		sync: { register: async (tag: string) => void registration.syncTags.push(tag) }
	});
	const container = Object.assign(new EventTarget(), {
		controller: null as unknown,
		ready: Promise.resolve(registration),
		register: async () => registration,
		getRegistration: async () => registration,
		post: (data: unknown) => container.dispatchEvent(new MessageEvent('message', { data }))
	});
	return { container, registration };
}
