// The alerts inbox as every signed-in page sees it: the unread count in the header (marking alerts
// read is alerts-read.ts, the alerts page's alone: the start's JavaScript has a budget).
import { getContext, setContext } from 'svelte';
import { live, type Live } from './live.svelte';
import { trpc } from './trpc';

export const STEPS_PATH = 'alerts.setSteps';

export interface AlertsContext {
	unread: Live<{ unread: number }>;
}

const KEY = Symbol('quota-alerts');

/** Call in the signed-in layout: the header's unread count, refreshed with the page's figures. */
export function provideAlerts(): AlertsContext {
	const ctx = { unread: live<{ unread: number }>(() => 'alerts-unread', () => trpc().alerts.unread.query()) };
	setContext(KEY, ctx);
	return ctx;
}

export function alertsContext(): AlertsContext {
	return getContext<AlertsContext>(KEY);
}
