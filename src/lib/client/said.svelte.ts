// One answer on a page at a time. What an action came to ("Name saved", "Cap saved", a refusal) is
// said where it was taken, and only until another action on the page starts: two answers on screen
// could contradict each other, or one describe a state another action has since changed. A `Said` is
// one place that says an action's answer (a form, a card, a row); starting an action at any place
// silences every other, so its refusal replaces an earlier success rather than sitting beside it.
import { online } from 'svelte/reactivity/window';
import type { SaveMessage } from './save-message';
import { OFFLINE_WORDS } from './offline-words';

/** The place whose action started last (one per app: a page's places are the ones alive on it). */
const latest = $state<{ place: Said | null }>({ place: null });

/**
 * What an action came to, as a form says it: "You are offline", said while the browser knew it was,
 * is taken back once the browser is online again (it would tell the reader to wait for what has come).
 * Said while the browser thought itself online (a server that did not answer), it stays, as does every
 * other answer. A `Said` holds one; so does the console's `Saving` (admin/saving.svelte.ts).
 */
export class Answer {
	#message = $state.raw<SaveMessage | null>(null);
	#whileOffline = false;

	get message(): SaveMessage | null {
		return this.#whileOffline && online.current ? null : this.#message;
	}

	set message(m: SaveMessage | null) {
		this.#message = m;
		this.#whileOffline = m?.text === OFFLINE_WORDS && online.current === false;
	}
}

export class Said {
	#answer = new Answer();

	/** An action starts here: what was said here or anywhere else goes. */
	start(): void {
		latest.place = this;
		this.#answer.message = null;
	}

	/** What the action started here came to (an `Answer`: "You are offline" goes once online); null once another action started, here or elsewhere. */
	get message(): SaveMessage | null {
		return this.current ? this.#answer.message : null;
	}

	/** Says what the action came to (here, and so nowhere else). */
	set message(m: SaveMessage | null) {
		latest.place = this;
		this.#answer.message = m;
	}

	/** Whether this place's action is the latest on the page (for an answer that follows a write, as OutboxSave's does). */
	get current(): boolean {
		return latest.place === this;
	}
}
