import postgres from 'postgres';

interface Subscriber {
	onPayload: (payload: string) => void;
	onRelisten?: () => void;
}

/** How soon a lost LISTEN connection is tried again (each try is bounded by the connect timeout). */
const RELISTEN_MS = 250;

export interface Listener {
	/** LISTENs on `channel`; `onRelisten` runs each time the LISTEN is back after its connection was lost. */
	listen(channel: string, onPayload: (payload: string) => void, onRelisten?: () => void): Promise<() => Promise<void>>;
	/** False from the moment the LISTEN connection was lost until it is back (tried every 250 ms). */
	connected(): boolean;
	end(): Promise<void>;
}

/**
 * LISTEN on one connection of its own that comes back after the database does. postgres.js's own
 * `sql.listen` re-LISTENs once when its connection closes and drops the channel for good if that
 * one try fails (while the server is still down), so live balances and key revocations would stop
 * after an outage. Here every lost connection is retried until the LISTENs are back, and each
 * subscriber hears of it: notices sent meanwhile were lost, so what depends on them is refreshed.
 */
export function openListener(url: string, options: Pick<postgres.Options<Record<string, never>>, 'connect_timeout' | 'backoff' | 'onnotice'>): Listener {
	const channels = new Map<string, Set<Subscriber>>();
	let ended = false;
	let lost = false;
	let retry: ReturnType<typeof setTimeout> | null = null;

	const sql = postgres(url, {
		...options,
		max: 1,
		// One connection kept for good: no idle timeout, no lifetime limit (0 turns them off).
		idle_timeout: 0,
		max_lifetime: 0,
		fetch_types: false,
		onclose: () => {
			lost = true;
			scheduleRelisten();
		},
		// postgres.js's connection option for NotificationResponse messages (what its `sql.listen` uses).
		...({ onnotify: (channel: string, payload: string) => channels.get(channel)?.forEach((s) => s.onPayload(payload)) } as object)
	});

	function scheduleRelisten() {
		if (ended || retry || channels.size === 0) return;
		retry = setTimeout(() => {
			retry = null;
			void relisten();
		}, RELISTEN_MS);
	}

	async function relisten() {
		try {
			for (const channel of channels.keys()) await sql`listen ${sql(channel)}`;
		} catch {
			scheduleRelisten();
			return;
		}
		if (!lost) return;
		lost = false;
		for (const subscribers of channels.values()) subscribers.forEach((s) => s.onRelisten?.());
	}

	return {
		async listen(channel, onPayload, onRelisten) {
			const subscriber: Subscriber = { onPayload, onRelisten };
			let subscribers = channels.get(channel);
			if (!subscribers) {
				await sql`listen ${sql(channel)}`;
				subscribers = channels.get(channel) ?? new Set();
				channels.set(channel, subscribers);
			}
			subscribers.add(subscriber);
			return async () => {
				subscribers.delete(subscriber);
				if (subscribers.size || channels.get(channel) !== subscribers) return;
				channels.delete(channel);
				await sql`unlisten ${sql(channel)}`.catch(() => {});
			};
		},
		connected: () => !lost || channels.size === 0,
		async end() {
			ended = true;
			if (retry) clearTimeout(retry);
			await sql.end({ timeout: 1 });
		}
	};
}
