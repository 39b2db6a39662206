// Embed tokens and what the <quota-usage> widget reads with them (issue 18.3), and the store its "Buy tokens" opens.
export { EMBED_TTL_SECONDS, STORE_TICKET_SECONDS, assertEmbeddable, mintEmbedToken, readEmbedToken, readStoreTicket, watchEmbedGrant, type EmbedGrant } from './tokens';
export { EMBED_RECENT, embedRecent, embedView, embedViewer, type EmbedRecent, type EmbedView } from './view';
export { EMBED_STORE_PATH, embedCheckout, embedOrder, embedStoreFront, storeLink } from './store';
