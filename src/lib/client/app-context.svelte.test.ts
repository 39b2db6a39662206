// @vitest-environment browser-state
// What every signed-in page needs from the user's settings: the account it shows, its time zone,
// with the changes still waiting to sync laid over them, and when the page can lay itself out.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appContext, provideAppContext, SETTINGS_PATH } from './app-context.svelte';
import { session } from './session.svelte';
import { outbox, queueAndSync } from './sync.svelte';
import { wipeDevice } from './storage';
import { link } from './timed-fetch';
import { fakeBrowser, Refusal } from '../../../tests/helpers/browser';
import { mounted } from '../../../tests/helpers/component.svelte';

const account = (accountId: string, name: string) => ({ accountId, name, kind: 'team' as const, teamId: accountId, role: 'member' as const });
const settings = { emailAlerts: true, timeZone: 'Europe/Berlin', activeAccountId: 'acc-1', accounts: [account('acc-1', 'Design'), account('acc-2', 'Research')] };

let browser: ReturnType<typeof fakeBrowser>;
let unmount = () => {};
beforeEach(async () => {
	browser = fakeBrowser();
	await wipeDevice();
	Object.assign(session, { user: { id: 'u-ada', name: 'Ada' }, status: 'online' });
	Object.assign(outbox, { pending: [], rejected: [] });
});
afterEach(() => {
	unmount();
	vi.unstubAllGlobals();
});

function page() {
	const m = mounted(() => {
		const provided = provideAppContext();
		return { provided, seen: appContext() };
	});
	unmount = m.unmount;
	return m.value;
}

describe("a signed-in page's settings", () => {
	it('names the active account and its time zone once the settings are in; the page waits for them', async () => {
		let answer!: (s: typeof settings) => void;
		browser.server.answers['settings.get'] = () => new Promise((r) => (answer = r));
		const { provided: app, seen } = page();
		expect(seen).toBe(app);
		expect([app.ready, app.accountId, app.account]).toEqual([false, null, null]);
		await vi.waitFor(() => expect(answer).toBeTypeOf('function'));
		answer(settings);
		await vi.waitFor(() => expect(app.ready).toBe(true));
		expect([app.accountId, app.account?.name, app.timeZone]).toEqual(['acc-1', 'Design', 'Europe/Berlin']);
	});

	it('on a device that knew nobody, opened offline, asks for the settings once the session is confirmed online', async () => {
		Object.assign(session, { user: null, status: 'no-data' });
		browser.setOnline(false);
		browser.server.answers['settings.get'] = () => settings;
		const { provided: app } = page();
		expect(app.settings.unavailable).toBe(true);
		await vi.waitFor(() => expect(link.down).toBe(true)); // the page's first ask went unanswered
		browser.setOnline(true);
		Object.assign(session, { user: { id: 'u-ada', name: 'Ada' }, status: 'online' }); // startSession, on the connection's return
		await vi.waitFor(() => expect(app.accountId).toBe('acc-1'));
		expect(app.settings.status).toBe('fresh');
	});

	it('shows a change made offline at once, before the server has it', async () => {
		browser.server.answers['settings.get'] = () => settings;
		const { provided: app } = page();
		await vi.waitFor(() => expect(app.ready).toBe(true));
		browser.setOnline(false);
		await queueAndSync(SETTINGS_PATH, { changes: { activeAccountId: 'acc-2' } }, 'Drawing from Research');
		await queueAndSync(SETTINGS_PATH, { changes: { timeZone: null } }, 'Time zone: this device’s');
		expect(app.pending).toEqual({ activeAccountId: 'acc-2', timeZone: null });
		expect([app.accountId, app.account?.name, app.timeZone]).toEqual(['acc-2', 'Research', null]);
	});

	it('lets the page lay itself out when the settings cannot be had: offline, refused, or no one to show', async () => {
		browser.setOnline(false);
		const offline = page().provided;
		await vi.waitFor(() => expect(offline.ready).toBe(true));
		expect(offline.settings.status).toBe('offline');
		unmount();

		browser.setOnline(true);
		browser.server.answers['settings.get'] = () => {
			throw new Refusal('INTERNAL_SERVER_ERROR', 500, 'Something broke.');
		};
		const refused = page().provided;
		await vi.waitFor(() => expect(refused.settings.status).toBe('error'));
		expect(refused.ready).toBe(true);
		unmount();

		Object.assign(session, { user: null, status: 'no-data' });
		expect(page().provided.ready).toBe(true);
	});
});
