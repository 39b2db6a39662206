/** Queries for dashboards and admin screens, from the ledger's rollups. */
export { siteDaily, type SiteDaily } from './site';
