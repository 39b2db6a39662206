/**
 * Settings' sections in the page's order: each one's heading id (where the section nav's link goes)
 * and title (the heading's text and the link's). The headings and the nav both read them here, so a
 * section is renamed in one place.
 */
export const SETTINGS_SECTIONS = {
	profile: { id: 'profile-title', title: 'Profile' },
	alerts: { id: 'alerts-title', title: 'Low balance alerts' },
	topup: { id: 'topup-title', title: 'Auto top-up' },
	caps: { id: 'own-caps-title', title: 'Caps' },
	zone: { id: 'tz-title', title: 'Time zone' },
	accounts: { id: 'acct-title', title: 'Tokens to draw from' },
	keys: { id: 'api-keys-title', title: 'API keys' },
	referral: { id: 'referral-title', title: 'Invite friends' },
	sessions: { id: 'session-title', title: 'Sessions' }
} as const;
