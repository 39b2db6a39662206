// Settings' profile: one form each for the member's name, sign-in address and password. A form says
// first what it can (auth-slips.ts: the server's rules and words) under each field and sends
// nothing; sent, the server's refusal of a field is said under that field, any other refusal (too
// many attempts, offline) under the form; a save says what changed.
import { errorMessage } from './errors';
import { session } from './session.svelte';
import { setDeviceUser } from './storage';
import { fieldWords } from './field-error';
import type { AuthCheck, AuthValues, Slips } from './auth-slips';
import { Said } from './said.svelte';
import { counted } from '$lib/counted';
import { CONFIRMATION_VALID_DAYS } from '$lib/account-fields';

/** Sends a form's values; answers what to tell the member, or throws the server's refusal. */
export type SendProfile = (values: AuthValues) => Promise<string>;

export class ProfileForm {
	#slips = $state<Slips>({});
	busy = $state(false);
	/** What the last send came to, until another action on the page starts (said.svelte.ts). */
	readonly #said = new Said();

	/** What is wrong, under each field by its name; like the message, gone once another action on the page starts. */
	get slips(): Slips {
		return this.#said.current ? this.#slips : {};
	}

	constructor(
		private readonly check: AuthCheck,
		private readonly send: SendProfile
	) {}

	get message() {
		return this.#said.message;
	}

	/** A field was edited: what was said about it no longer holds. */
	edited(field: string) {
		if (!this.#slips[field]) return;
		const { [field]: _gone, ...rest } = this.#slips;
		this.#slips = rest;
	}

	/**
	 * Sends `values` (by field name, in the form's order) unless a field is wanting. Answers the first
	 * field with a slip (to focus), else null: sent and saved, or refused about no field (the message says).
	 */
	async submit(values: AuthValues): Promise<string | null> {
		if (this.busy) return null;
		this.#said.start();
		this.#slips = this.check(values);
		const fields = Object.keys(values);
		const first = () => fields.find((f) => this.#slips[f]) ?? null;
		if (first()) return first();
		this.busy = true;
		try {
			this.#said.message = { kind: 'ok', text: await this.send(values) };
			return null;
		} catch (err) {
			const words = fieldWords(err);
			this.#slips = Object.fromEntries(fields.filter((f) => words[f]).map((f) => [f, words[f]!]));
			if (!first()) this.#said.message = { kind: 'empty', text: errorMessage(err) };
			return first();
		} finally {
			this.busy = false;
		}
	}
}

/** What a new password did, said under its form. */
export function passwordChanged(otherSessionsEnded: number): string {
	const others =
		otherSessionsEnded === 0 ? 'No other device was signed in.' : `${otherSessionsEnded === 1 ? 'Your 1 other session was' : `Your ${otherSessionsEnded} other sessions were`} signed out.`;
	return `Password changed. ${others} You stay signed in on this device.`;
}

/**
 * What a new address did: where the member signs in now, that a link to confirm it went there, and
 * that the old one was told (`toldBefore`: the old address, when it was confirmed; else null).
 */
export function emailChanged(toldBefore: string | null, after: string): string {
	return `Email changed: you now sign in with ${after}. Open the link we mailed there to confirm it.${toldBefore ? ` A notice went to ${toldBefore}.` : ''}`;
}

/** What asking for a new confirmation link came to (me.sendConfirmation's answer). */
export function confirmationSent(answer: { sentTo: string } | { confirmed: true }): string {
	return 'sentTo' in answer ? `Sent to ${answer.sentTo}. The link works for ${counted(CONFIRMATION_VALID_DAYS, 'day')}.` : 'Your address is confirmed already.';
}

/**
 * The member's new name, in the header at once, and on the device for a start without a connection
 * (written here, not in the component: a component assigning to an imported object costs the start chunk
 * Svelte's reactive-import helper).
 */
export async function showName(name: string): Promise<void> {
	if (!session.user) return;
	session.user = { ...session.user, name };
	await setDeviceUser(session.user).catch(() => {});
}
