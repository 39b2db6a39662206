// Signed-in pages render in the browser from tRPC data and the device's snapshots; their HTML is
// a static shell the service worker precaches, so they open offline.
export const ssr = false;
export const prerender = true;
