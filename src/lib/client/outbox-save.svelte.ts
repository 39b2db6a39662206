// A member's setting saved through the outbox (it works offline and applies once), and what the save
// came to, for the form to say under itself (components/Outcome.svelte) like every other form:
// saved; saved on this device until the connection is back; or refused, with the server's words.
import { errorMessage } from './errors';
import { outbox, queueAndSync } from './sync.svelte';
import { Said } from './said.svelte';
import type { SaveMessage } from './save-message';

/** What a write waiting offline is told: it is kept, and goes by itself. */
export const KEPT_OFFLINE = 'Saved on this device: it is sent when you are back online.';

export class OutboxSave {
	/** The last save: its write (path and label find it in the outbox) and its words once applied. */
	#last = $state<{ path: string; label: string; refusedBefore: number; saved: string } | null>(null);
	#sending = $state(false);
	#error = $state<string | null>(null);
	/** Its words are said until another action on the page starts (said.svelte.ts). */
	readonly #said = new Said();

	/**
	 * Null before the first save and while one is on its way; then follows the write: waiting in the
	 * outbox ("low"), refused when sent ("empty"), else applied ("ok", the `saved` words); null again
	 * once another action on the page started.
	 */
	readonly message: SaveMessage | null = $derived.by(() => {
		const last = this.#last;
		if (!this.#said.current) return null;
		if (this.#error) return { kind: 'empty', text: this.#error };
		if (!last || this.#sending) return null;
		const refused = outbox.rejected.slice(last.refusedBefore).find((r) => r.label === last.label);
		if (refused) return { kind: 'empty', text: `Not saved: ${refused.message}` };
		if (outbox.pending.some((w) => w.path === last.path && w.label === last.label)) return { kind: 'low', text: KEPT_OFFLINE };
		return { kind: 'ok', text: last.saved };
	});

	/** Whether a save is on its way: its button waits (a double click sends the write once). */
	get sending(): boolean {
		return this.#sending;
	}

	/**
	 * Queues the write (`label` says it in the page's list of waiting writes) and sends it when it can;
	 * `saved` is said once it applied. Answers false, doing nothing, while the last save is still on
	 * its way (a second click of its button): the write goes once.
	 */
	async save(path: string, input: Record<string, unknown>, label: string, saved: string): Promise<boolean> {
		if (this.#sending) return false;
		this.#said.start();
		this.#last = { path, label, refusedBefore: outbox.rejected.length, saved };
		this.#error = null;
		this.#sending = true;
		try {
			await queueAndSync(path, input, label);
		} catch (err) {
			this.#error = errorMessage(err);
		} finally {
			this.#sending = false;
		}
		return true;
	}

	/** Forgets the last save's words (the form was changed again). */
	clear() {
		this.#last = null;
		this.#error = null;
	}
}
