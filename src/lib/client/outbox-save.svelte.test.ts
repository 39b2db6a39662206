// A member's setting saved through the outbox says under its form what came of it: saved, kept on
// the device until the connection is back (and then saved), or refused with the server's words.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KEPT_OFFLINE, OutboxSave } from './outbox-save.svelte';
import { outbox, syncNow } from './sync.svelte';
import { session } from './session.svelte';
import { wipeDevice } from './storage';
import { fakeBrowser, fakeServiceWorker, Refusal } from '../../../tests/helpers/browser';

let browser: ReturnType<typeof fakeBrowser>;
const quiet = { quietHours: { from: '22:00', to: '07:00', timeZone: 'Europe/Paris' } };
const PATH = 'alerts.push.setQuietHours';

beforeEach(async () => {
	browser = fakeBrowser({ serviceWorker: fakeServiceWorker().container });
	await wipeDevice();
	session.user = { id: 'u-ada', name: 'Ada' };
	Object.assign(outbox, { pending: [], rejected: [] });
	browser.server.answers[PATH] = () => ({ ok: true });
});
afterEach(() => vi.unstubAllGlobals());

describe('a setting saved through the outbox', () => {
	it('says nothing before a save, then that it is saved once the server applied it', async () => {
		const s = new OutboxSave();
		expect(s.message).toBeNull();
		const saving = s.save(PATH, quiet, 'Quiet hours 22:00–07:00', 'Quiet hours saved.');
		expect(s.message).toBeNull(); // on its way: neither saved nor waiting yet
		await saving;
		expect(s.message).toEqual({ kind: 'ok', text: 'Quiet hours saved.' });
		expect(browser.server.calls.map((c) => c.path)).toEqual([PATH]);
	});

	it('sends the write once when its button is pressed twice before the first save is done (a double click)', async () => {
		const s = new OutboxSave();
		const first = s.save(PATH, quiet, 'Quiet hours 22:00–07:00', 'Quiet hours saved.');
		expect(s.sending).toBe(true);
		expect(await s.save(PATH, quiet, 'Quiet hours 22:00–07:00', 'Quiet hours saved.')).toBe(false);
		expect(await first).toBe(true);
		expect(s.sending).toBe(false);
		expect(browser.server.calls.map((c) => c.path)).toEqual([PATH]);
		expect(s.message).toEqual({ kind: 'ok', text: 'Quiet hours saved.' });
	});

	it('offline, says it is kept on the device, and that it is saved once the connection is back', async () => {
		const s = new OutboxSave();
		browser.setOnline(false);
		await s.save(PATH, quiet, 'Quiet hours 22:00–07:00', 'Quiet hours saved.');
		expect(s.message).toEqual({ kind: 'low', text: KEPT_OFFLINE });
		browser.setOnline(true);
		await syncNow();
		expect(s.message).toEqual({ kind: 'ok', text: 'Quiet hours saved.' });
	});

	it('refused by the server, says so in its words; an earlier refusal of the same write does not count again', async () => {
		browser.server.answers[PATH] = () => {
			throw new Refusal('BAD_REQUEST', 400, 'Quiet hours must end at another time than they start.');
		};
		const s = new OutboxSave();
		await s.save(PATH, quiet, 'Quiet hours 22:00–22:00', 'Quiet hours saved.');
		expect(s.message).toEqual({ kind: 'empty', text: 'Not saved: Quiet hours must end at another time than they start.' });
		browser.server.answers[PATH] = () => ({ ok: true });
		await s.save(PATH, quiet, 'Quiet hours 22:00–22:00', 'Quiet hours saved.');
		expect(s.message).toEqual({ kind: 'ok', text: 'Quiet hours saved.' });
		s.clear();
		expect(s.message).toBeNull();
	});

	it("says one save's answer at a time on the page: a second form's save takes the first's away, its refusal standing alone", async () => {
		const zone = new OutboxSave();
		const quietHours = new OutboxSave();
		browser.server.answers['settings.update'] = () => ({ ok: true });
		await zone.save('settings.update', { changes: { timeZone: 'Europe/Paris' } }, 'Time zone: Paris', 'Time zone saved.');
		expect(zone.message).toEqual({ kind: 'ok', text: 'Time zone saved.' });
		browser.server.answers[PATH] = () => {
			throw new Refusal('BAD_REQUEST', 400, 'Quiet hours must end at another time than they start.');
		};
		const saving = quietHours.save(PATH, quiet, 'Quiet hours 22:00–22:00', 'Quiet hours saved.');
		expect(zone.message).toBeNull();
		await saving;
		expect([zone.message, quietHours.message]).toEqual([null, { kind: 'empty', text: 'Not saved: Quiet hours must end at another time than they start.' }]);
	});

	it('says why when nothing could be queued', async () => {
		session.user = null;
		const s = new OutboxSave();
		await s.save(PATH, quiet, 'Quiet hours 22:00–07:00', 'Quiet hours saved.');
		expect(s.message).toEqual({ kind: 'empty', text: 'Not signed in.' });
	});
});
