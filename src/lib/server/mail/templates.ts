import type { MailMessage } from './index';
import { counted } from '../../counted';
import { plainFormatter } from '../../refusal-message';
import { CONFIRMATION_VALID_DAYS } from '../../account-fields';

const escape = (s: string) =>
	s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A short mail with one button; the same words in the text part. */
function linkMail(to: string, subject: string, lines: string[], action: string, link: string, footer: string): MailMessage {
	const text = [...lines, '', `${action}: ${link}`, '', footer].join('\n');
	const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#14172b;line-height:1.5">
${lines.map((l) => `<p>${escape(l)}</p>`).join('\n')}
<p><a href="${escape(link)}" style="display:inline-block;background:#3b3fd8;color:#fff;padding:12px 20px;border-radius:999px;text-decoration:none;font-weight:600">${escape(action)}</a></p>
<p style="color:#5b6078;font-size:14px">${escape(footer)}</p>
</body></html>`;
	return { to, subject, text, html, link };
}

export function passwordResetMail(to: string, name: string, link: string): MailMessage {
	return linkMail(
		to,
		'Reset your Quota password',
		[`Hi ${name},`, 'Someone (hopefully you) asked to reset the password of your Quota account. The link works once, for one hour.'],
		'Choose a new password',
		link,
		'If you did not ask for this, ignore this mail: your password stays as it is.'
	);
}

export function teamInviteMail(to: string, teamName: string, inviterName: string, link: string): MailMessage {
	return linkMail(
		to,
		`${inviterName} invited you to ${teamName} on Quota`,
		[`${inviterName} invited you to join the team “${teamName}” on Quota and share its token pool.`, 'The invitation is valid for 7 days.'],
		'Accept the invitation',
		link,
		'If you do not know this team, ignore this mail.'
	);
}

/**
 * An inbox notice worded by the server, by mail: to someone no longer in a team (removed, or left
 * themselves: accounts/team-notices.ts), to someone whose tokens a site admin added or corrected
 * (alerts/credit-notices.ts). Its words, with a link to their dashboard (`origin`'s /dashboard: its
 * start page is the signed-out welcome, which offers a member only Sign in); sent only while their
 * alert mails are on, which the footer says where to turn off.
 */
export function noticeMail(to: string, name: string, words: { title: string; body: string }, origin: string): MailMessage {
	return linkMail(to, words.title, [`Hi ${name},`, `${words.title}.`, words.body], 'Open your dashboard', `${origin}/dashboard`, "This is also in the app's inbox. Turn these mails off in Settings, with the alert mails.");
}

/** Who an alert is about: the reader's own tokens, or a team pool they manage. */
export interface BalanceAlertSubject {
	name: string;
	teamName: string | null;
}

const settingsFooter = "You get this mail once each time the available tokens pass one of their alert steps. Change the steps or turn these mails off in Settings; every alert is also in the app's inbox.";

/**
 * A step passed. The steps are set on the figure the dashboard calls Available (the tokens plus what
 * is left of the free allowances), and the mail names it so: `left` (tokens) is that figure when the
 * step was passed; `step` says which ("20% of your allocation (…)" or "500 tokens"; alerts/words.ts)
 * and `short` the same briefly for the subject ("20%", "500 tokens"), which says what happened
 * whatever the step (not "running low" at 80%); `cause` whether available dropped below it or was
 * below it already when the steps were saved.
 */
export function lowBalanceMail(to: string, who: BalanceAlertSubject, figures: { left: number; step: string; short: string; cause: 'drop' | 'set' }, link: string): MailMessage {
	const whose = who.teamName ? `${who.teamName}'s available tokens` : 'Your available tokens';
	const passed = figures.cause === 'set' ? `were already below ${figures.step} when the alert steps were saved` : `dropped below ${figures.step}`;
	return linkMail(
		to,
		`${whose} ${figures.cause === 'set' ? 'are below' : 'dropped below'} ${figures.short}`,
		[
			`Hi ${who.name},`,
			`${whose} ${passed}: ${counted(figures.left, 'token', plainFormatter.tokens)} available.`,
			"That is the dashboard's Available: the tokens plus what is left of the free allowances. Get more tokens before they run out, so nothing stops."
		],
		'Get more tokens',
		link,
		settingsFooter
	);
}

export function outOfTokensMail(to: string, who: BalanceAlertSubject, link: string): MailMessage {
	return linkMail(
		to,
		who.teamName ? `${who.teamName} is out of tokens` : 'You are out of tokens',
		[
			`Hi ${who.name},`,
			`${who.teamName ? `The token pool of ${who.teamName}` : 'Your tokens'} ${who.teamName ? 'is' : 'are'} used up, free allowances included: features that need tokens stop working until more are added or an allowance resets.`
		],
		'Get more tokens',
		link,
		settingsFooter
	);
}

/** An auto top-up's off-session charge was declined (at once or later, by Paddle's webhook): auto top-up is off until turned on again. `pack` names the package and its price. */
export function topupDeclinedMail(to: string, who: BalanceAlertSubject, pack: string, link: string): MailMessage {
	return linkMail(
		to,
		who.teamName ? `Auto top-up of ${who.teamName} was declined` : 'Your auto top-up was declined',
		[
			`Hi ${who.name},`,
			`The payment for ${pack}, an auto top-up of ${who.teamName ? `the token pool of ${who.teamName}` : 'your tokens'}, was declined, so nothing was charged and no tokens were added.`,
			'Auto top-up is now off, so no other charge is tried. Check the payment method of your subscription, then turn auto top-up on again in Settings.'
		],
		'Open the auto top-up settings',
		link,
		'You get this mail because auto top-up is set for this account.'
	);
}

/** To a site admin: a webhook endpoint was turned off after failing for about a day. */
export function webhookDisabledMail(to: string, name: string, endpointUrl: string, reason: string, link: string): MailMessage {
	return linkMail(
		to,
		'A webhook endpoint of your site was turned off',
		[`Hi ${name},`, `Quota turned off the webhook endpoint ${endpointUrl}. ${reason}`, 'Events for it are no longer sent. Fix the endpoint, turn it back on and redeliver what it missed from its delivery log.'],
		'Open the webhooks',
		link,
		'You get this mail as an admin of the site.'
	);
}

/**
 * To the address a member signed in with until now: it was changed (to `newEmail`). Whoever changed
 * it knew the password; if that was not its owner, only the site's admin can give the account back.
 */
export function emailChangedMail(to: string, name: string, newEmail: string, admin: string | null, link: string): MailMessage {
	const who = admin ? `the site's admin (${admin})` : "the site's admin";
	return linkMail(
		to,
		'The email address of your Quota account was changed',
		[`Hi ${name},`, `The email address of your Quota account was changed from ${to} to ${newEmail}. You now sign in with ${newEmail}; mail about the account goes there.`],
		'Sign in',
		link,
		`If you did not change it, someone else knows your password: write to ${who} at once.`
	);
}

/** To a member whose password was just changed in Settings (their other devices were signed out). */
export function passwordChangedMail(to: string, name: string, link: string): MailMessage {
	return linkMail(
		to,
		'The password of your Quota account was changed',
		[`Hi ${name},`, 'The password of your Quota account was changed in Settings, and every other device signed in to it was signed out.'],
		'Choose a new password',
		link,
		'If you did not change it, choose a new password with this link at once: it signs out whoever changed it.'
	);
}

/**
 * The one-time link that confirms `to` is its member's (accounts/address-confirmation.ts), valid
 * CONFIRMATION_VALID_DAYS: the only mail, with a password reset, sent to an address not confirmed yet. `reason` words it:
 * a welcome after sign-up, an address changed in Settings, a link asked for again.
 */
export function addressConfirmationMail(to: string, name: string, link: string, reason: 'signup' | 'changed' | 'again'): MailMessage {
	const why = {
		signup: ['Welcome to Quota.', 'Confirm that this address is yours, and Quota will mail it your alerts: when your tokens run low, and when tokens are added or taken back.'],
		changed: ['You asked Quota to use this address for your account.', 'Confirm that it is yours: until then, no alert is mailed to it.'],
		again: ['Here is a new link to confirm your address for Quota.', 'Until you confirm it, no alert is mailed to it.']
	}[reason];
	return linkMail(
		to,
		'Confirm your email address for Quota',
		[`Hi ${name},`, ...why, `The link works for ${counted(CONFIRMATION_VALID_DAYS, 'day')}.`],
		'Confirm my address',
		link,
		reason === 'signup' ? 'If you did not sign up, ignore this mail: nothing more will be sent to this address.' : 'If this was not you, ignore this mail: nothing more will be sent to this address.'
	);
}
