// What the app keeps on the device, per user, in IndexedDB: the last known answer of every query
// ({data, updatedAt}) and the writes made offline. Runs in pages and in the service worker.
import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { forgetFirstAnswers } from './first-answers';

export interface Snapshot<T> {
	data: T;
	/** When the server gave this answer (ms since epoch). */
	updatedAt: number;
}

/** A write made on this device that the server has not confirmed yet. */
export interface QueuedWrite {
	/** Idempotency key made on the device; the server applies each key once. */
	key: string;
	/** tRPC mutation path, e.g. `settings.update`. */
	path: string;
	input: unknown;
	/** What the user changed, in words ("Alert threshold 10%"). */
	label: string;
	createdAt: number;
}

/** The user whose data this device holds (at most one at a time). */
export interface DeviceUser {
	id: string;
	name: string;
}

interface UserSchema extends DBSchema {
	snapshots: { key: string; value: Snapshot<unknown> };
	outbox: { key: string; value: QueuedWrite; indexes: { byTime: number } };
}

interface MetaSchema extends DBSchema {
	meta: { key: 'user'; value: DeviceUser };
}

const PREFIX = 'quota-';
const META_DB = `${PREFIX}meta`;
const userDbName = (userId: string) => `${PREFIX}user-${userId}`;

let meta: Promise<IDBPDatabase<MetaSchema>> | undefined;
const userDbs = new Map<string, Promise<IDBPDatabase<UserSchema>>>();

function metaDb() {
	meta ??= openDB<MetaSchema>(META_DB, 1, {
		upgrade(db) {
			db.createObjectStore('meta');
		},
		blocking() {
			// Another tab wipes the device: let it.
			void meta?.then((db) => db.close());
			meta = undefined;
		}
	});
	return meta;
}

export function userDb(userId: string) {
	let db = userDbs.get(userId);
	if (!db) {
		db = openDB<UserSchema>(userDbName(userId), 1, {
			upgrade(d) {
				d.createObjectStore('snapshots');
				d.createObjectStore('outbox', { keyPath: 'key' }).createIndex('byTime', 'createdAt');
			},
			blocking() {
				void userDbs.get(userId)?.then((d) => d.close());
				userDbs.delete(userId);
			}
		});
		userDbs.set(userId, db);
	}
	return db;
}

export async function deviceUser(): Promise<DeviceUser | undefined> {
	return (await metaDb()).get('meta', 'user');
}

export async function setDeviceUser(user: DeviceUser) {
	await (await metaDb()).put('meta', user, 'user');
}

export async function readSnapshot<T>(userId: string, key: string): Promise<Snapshot<T> | undefined> {
	return (await (await userDb(userId)).get('snapshots', key)) as Snapshot<T> | undefined;
}

export async function writeSnapshot<T>(userId: string, key: string, data: T, updatedAt = Date.now()) {
	await (await userDb(userId)).put('snapshots', { data, updatedAt }, key);
}

/** The outbox's Background Sync tag, and the Web Lock that keeps a page and the service worker from sending at once (outbox.ts). */
export const SYNC_TAG = 'quota-outbox';

export async function queueWrite(userId: string, path: string, input: Record<string, unknown>, label: string): Promise<QueuedWrite> {
	const write: QueuedWrite = { key: crypto.randomUUID(), path, input, label, createdAt: Date.now() };
	await (await userDb(userId)).put('outbox', write);
	return write;
}

export async function pendingWrites(userId: string): Promise<QueuedWrite[]> {
	return (await userDb(userId)).getAllFromIndex('outbox', 'byTime');
}

async function dropUserDb(userId: string) {
	const open = userDbs.get(userId);
	userDbs.delete(userId);
	if (open) (await open).close();
	await deleteDB(userDbName(userId));
}

/** Caches other than the precached app shell (which holds no user data). */
async function clearRuntimeCaches() {
	if (typeof caches === 'undefined') return;
	const names = await caches.keys();
	await Promise.all(names.filter((n) => !n.startsWith('workbox-precache')).map((n) => caches.delete(n)));
}

/**
 * Removes every trace of users' data from this device: their databases (snapshots and queued
 * writes), the record of who used it last, and runtime caches. Used at sign-out, when another
 * user signs in, and when the server says the session is gone.
 */
export async function wipeDevice() {
	forgetFirstAnswers();
	const known = await deviceUser().catch(() => undefined);
	const open = meta;
	meta = undefined;
	if (open) (await open).close();
	const names = new Set<string>([META_DB, ...[...userDbs.keys()].map(userDbName)]);
	if (known) names.add(userDbName(known.id));
	if ('databases' in indexedDB) {
		for (const db of await indexedDB.databases()) if (db.name?.startsWith(PREFIX)) names.add(db.name);
	}
	for (const id of [...userDbs.keys()]) await dropUserDb(id);
	await Promise.all([...names].map((n) => deleteDB(n)));
	await clearRuntimeCaches();
}

/** Forgets one user (another one signed in on this device). */
export async function forgetUser(userId: string) {
	forgetFirstAnswers();
	await dropUserDb(userId);
	await clearRuntimeCaches();
}
