import webpush from 'web-push';
import type { Executor } from '../../db/client';
import { pushKeys } from '../../db/schema';

export interface VapidKeys {
	/** Uncompressed P-256 public key, base64url: what browsers get as `applicationServerKey`. */
	publicKey: string;
	privateKey: string;
}

/**
 * The site's VAPID key pair: generated the first time any process needs it and kept in the
 * database, so no setting is needed and every process signs with the same key (a subscription is
 * bound to the public key it was made with). Concurrent first calls agree: the insert is
 * `on conflict do nothing` and everyone reads the row that won.
 */
export async function vapidKeys(exec: Executor): Promise<VapidKeys> {
	const read = () => exec.select({ publicKey: pushKeys.publicKey, privateKey: pushKeys.privateKey }).from(pushKeys).limit(1);
	const [row] = await read();
	if (row) return row;
	const made = webpush.generateVAPIDKeys();
	await exec.insert(pushKeys).values({ id: 1, publicKey: made.publicKey, privateKey: made.privateKey }).onConflictDoNothing();
	const [kept] = await read();
	return kept!;
}
