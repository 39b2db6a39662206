// A settings form's save: busy while it runs, then one message (saved, or why not) for the form to show.
import { errorMessage } from '$lib/client/errors';
import type { SaveMessage } from '$lib/client/save-message';

export class Saving {
	busy = $state(false);
	message = $state<SaveMessage | null>(null);

	/** Shows why the form cannot be saved yet, without sending anything. */
	refuse(text: string) {
		this.message = { kind: 'empty', text };
	}

	/**
	 * Runs `save`; on success shows `saved(result)` and returns the result, on failure shows the
	 * error's message (the server's words for a refusal) and returns undefined. Ignored while a save runs.
	 */
	async run<T>(save: () => Promise<T>, saved: (result: T) => string): Promise<T | undefined> {
		if (this.busy) return undefined;
		this.busy = true;
		this.message = null;
		try {
			const result = await save();
			this.message = { kind: 'ok', text: saved(result) };
			return result;
		} catch (err) {
			this.message = { kind: 'empty', text: errorMessage(err) };
			return undefined;
		} finally {
			this.busy = false;
		}
	}

	/**
	 * Runs an action that says in words what it did, then `reload`, and only then shows those words:
	 * the page shows the change when it says it is done. A refusal is shown once `reload` ran as well:
	 * the server refuses what the page could not foresee (another admin's change meanwhile, a use it
	 * does not list), so what the page shows beside the refusal is read again. Returns the words, or
	 * undefined on failure.
	 */
	act(action: () => Promise<string>, reload: () => Promise<unknown>): Promise<string | undefined> {
		return this.run(
			async () => {
				try {
					return await action();
				} finally {
					await reload();
				}
			},
			(done) => done
		);
	}
}
