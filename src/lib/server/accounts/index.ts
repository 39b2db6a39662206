// Accounts and access: users, sessions, roles, teams, guests, API keys, audit log, rate limits.
export type { Auth, SessionUser, ApiKeyAuth, ApiKeyScope } from './types';
export { isSiteAdmin } from './types';
export { audit, type AuditEntry } from './audit';
export { rateLimit, startRateLimitSweeper } from './rate-limit';
export { createUser, findOrCreateExternalUser, updateProfile, setSiteRole, type NewUser, type CreatedUser } from './users';
export { signUp, signIn, signOut, signOutEverywhere, requestPasswordReset, checkResetToken, resetPassword, type ClientMeta } from './signin';
export { SESSION_COOKIE, createSession, validateSessionToken, invalidateSession, invalidateUserSessions, listSessions, sessionCookieOptions } from './sessions';
export { GUEST_COOKIE, newGuestCookie, readGuestCookie, guestAccountFor } from './guests';
export { createTeam, getTeam, inviteToTeam, describeInvite, acceptInvite, changeMemberRole, removeMember, leaveTeam, setTeamCap, teamRoleOf, type TeamActor } from './teams';
export { spendableAccounts, activeAccount, setActiveAccount, type SpendableAccount } from './active-account';
export { claimClientWrite } from './settings';
export { requireAccountAccess, requireAccessById, assertKeyMayAct, type AccessLevel } from './access';
export { createAccountKey, createSiteKey, ensureSiteKey, listAccountKeys, listSiteKeys, revokeApiKey, authenticateApiKey } from './api-keys';
export { profile } from './profile';
export { listSiteRoles, saveSiteRole, deleteSiteRole, siteRoleKeys, type SiteRole } from './roles';
export { emailSchema, nameSchema, passwordSchema, timeZoneSchema, teamRoleSchema, externalUserIdSchema, guestIdSchema } from './validation';
export { identifyRequest, setSessionCookie, clearSessionCookie, rejectsNonJson, type RequestIdentity } from './request';
