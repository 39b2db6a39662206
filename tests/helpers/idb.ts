// `idb` in the unit tests: the device's IndexedDB held in memory, with the part of idb's API that
// lib/client/storage.ts and outbox.ts use. As in a browser, a value is stored and read back as a
// copy (structured clone: a Svelte $state proxy cannot be stored), a closed connection refuses
// work, and deleting a database first asks its open connections to let go (`blocking`).
interface Store {
	keyPath?: string;
	indexes: Map<string, string>;
	rows: Map<string, unknown>;
}

const databases = new Map<string, Map<string, Store>>();
const open = new Map<string, Set<{ blocking?: () => void }>>();

/** A macrotask later, as IndexedDB answers: nothing a caller does synchronously sees the result early. */
const later = () => new Promise((resolve) => setTimeout(resolve, 0));

export async function openDB(name: string, _version: number, hooks: { upgrade?: (db: unknown) => void; blocking?: () => void } = {}) {
	await later();
	let stores = databases.get(name);
	if (!stores) {
		const made = new Map<string, Store>();
		hooks.upgrade?.({
			createObjectStore(store: string, opts: { keyPath?: string } = {}) {
				const s: Store = { keyPath: opts.keyPath, indexes: new Map(), rows: new Map() };
				made.set(store, s);
				return { createIndex: (index: string, keyPath: string) => void s.indexes.set(index, keyPath) };
			}
		});
		databases.set(name, (stores = made));
	}
	const connection = { blocking: hooks.blocking, closed: false };
	const connections = open.get(name) ?? new Set();
	open.set(name, connections.add(connection));
	const store = async (s: string) => {
		await later();
		if (connection.closed) throw new DOMException('The database connection is closing.', 'InvalidStateError');
		return stores.get(s)!;
	};
	return {
		async get(s: string, key: string) {
			const value = (await store(s)).rows.get(key);
			return value === undefined ? undefined : structuredClone(value);
		},
		async put(s: string, value: unknown, key?: string) {
			const target = await store(s);
			const k = key ?? String((value as Record<string, unknown>)[target.keyPath!]);
			target.rows.set(k, structuredClone(value));
			return k;
		},
		async delete(s: string, key: string) {
			(await store(s)).rows.delete(key);
		},
		async getAllFromIndex(s: string, index: string) {
			const target = await store(s);
			const by = target.indexes.get(index)!;
			const field = (v: unknown) => (v as Record<string, number>)[by]!;
			return [...target.rows.values()].sort((a, b) => field(a) - field(b)).map((v) => structuredClone(v));
		},
		close() {
			connection.closed = true;
			connections.delete(connection);
		}
	};
}

export async function deleteDB(name: string) {
	for (const connection of open.get(name) ?? []) connection.blocking?.();
	await later();
	databases.delete(name);
}

/** The global `indexedDB`, for what storage.ts asks of it beyond idb: the names of the databases. */
export const indexedDB = {
	databases: async () => [...databases.keys()].map((name) => ({ name, version: 1 }))
};

/** What the device holds: each database's stores and their rows (copies). */
export function deviceContents(): Record<string, Record<string, Record<string, unknown>>> {
	const out: Record<string, Record<string, Record<string, unknown>>> = {};
	for (const [name, stores] of databases) out[name] = Object.fromEntries([...stores].map(([s, st]) => [s, Object.fromEntries(structuredClone([...st.rows]))]));
	return out;
}
