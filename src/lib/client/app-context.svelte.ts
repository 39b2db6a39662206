// What every signed-in page needs: the user's settings (with changes still waiting to sync laid
// over them), hence the account the pages show and draw from, and the time zone for dates.
import { getContext, setContext } from 'svelte';
import { live, type Live } from './live.svelte';
import { session } from './session.svelte';
import { outbox } from './sync.svelte';
import { ask, firstOr } from './first-answers';
import { appZone } from './format';
import { everyPage } from '$lib/page-queries';
import type { Settings, SettingsChanges } from './api-types';

export const SETTINGS_PATH = 'settings.update';

export interface AppContext {
	settings: Live<Settings>;
	/** Changes made on this device that the server has not confirmed yet. */
	readonly pending: SettingsChanges;
	readonly accountId: string | null;
	readonly timeZone: string | null;
	/** The site's zone, whose days windows, caps, reports and the usage filter count (null until the settings arrive). */
	readonly siteZone: string | null;
	readonly account: Settings['accounts'][number] | null;
	/** The settings are known, or cannot be had now (offline, error): the page can lay itself out. */
	readonly ready: boolean;
}

const KEY = Symbol('quota-app');

export function provideAppContext(): AppContext {
	// Asked for at once, beside the identity check rather than after it (every page waits for the
	// account it names); live() still shows it only once the identity is confirmed.
	let early: Promise<Settings> | null = firstOr(everyPage.settings);
	// The first refresh takes it over; failed (offline), it is dropped: a refresh that comes only
	// later (a device that knew nobody, once the session is confirmed) asks the server itself.
	early.catch(() => (early = null));
	const settings = live<Settings>(
		() => 'settings',
		() => {
			const answer = early ?? ask(everyPage.settings);
			early = null;
			return answer;
		}
	);
	const pending = $derived(
		outbox.pending
			.filter((w) => w.path === SETTINGS_PATH)
			.reduce<SettingsChanges>((all, w) => ({ ...all, ...(w.input as { changes: SettingsChanges }).changes }), {})
	);
	const accountId = $derived(pending.activeAccountId ?? settings.data?.activeAccountId ?? null);
	const ctx: AppContext = {
		settings,
		get pending() {
			return pending;
		},
		get accountId() {
			return accountId;
		},
		get timeZone() {
			return pending.timeZone !== undefined ? pending.timeZone : (settings.data?.timeZone ?? null);
		},
		get siteZone() {
			return settings.data?.siteTimeZone ?? null;
		},
		get account() {
			return settings.data?.accounts.find((a) => a.accountId === accountId) ?? null;
		},
		get ready() {
			return settings.data !== undefined || settings.status === 'offline' || settings.status === 'error' || session.status === 'no-data';
		}
	};
	appZone.now = () => ctx.timeZone;
	setContext(KEY, ctx);
	return ctx;
}

export function appContext(): AppContext {
	return getContext<AppContext>(KEY);
}
