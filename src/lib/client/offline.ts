import { online } from 'svelte/reactivity/window';
import type { LiveStatus } from './live.svelte';

/**
 * Whether what only the server can do (a purchase, a new team) waits for a connection, on a page
 * whose read is `source`: offline as its requests find it (an answer clears it; a network that
 * carries nothing, or a browser's emulation of none, can leave navigator.onLine true and send no
 * `online` event), or as the browser says before any request was answered. Reactive in a $derived.
 */
export const offlineFor = (source: { status: LiveStatus }): boolean => source.status === 'offline' || (online.current === false && source.status !== 'fresh');
