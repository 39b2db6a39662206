/** Queries for dashboards and admin screens, from the ledger's rollups. */
export { listUserCredits, siteDaily, USERS_PAGE_SIZE, type UserCreditsRow, type UserListQuery, type UserSort, type SiteDaily } from './site';
