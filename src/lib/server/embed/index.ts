// Embed tokens and what the <quota-usage> widget reads with them (issue 18.3).
export { EMBED_TTL_SECONDS, mintEmbedToken, readEmbedToken, type EmbedGrant } from './tokens';
export { EMBED_RECENT, embedView, type EmbedView } from './view';
