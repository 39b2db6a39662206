export { Quota } from './client.js';
export type {
	Balance,
	CallOptions,
	CheckRequest,
	CheckResult,
	ConsumeRequest,
	ConsumeResult,
	EmbedToken,
	EmbedTokenRequest,
	FeatureRate,
	FeatureRates,
	GrantEnded,
	GrantRequest,
	GrantResult,
	Hold,
	HoldRequest,
	KeyInfo,
	QuotaOptions,
	SettleResult,
	Target,
	UsagePage,
	UsageRow
} from './client.js';
export * from './errors.js';
export { defaultRetryPolicy, type RetryPolicy } from './retry.js';
export { serverSentEvents, type ServerSentEvent } from './sse.js';
export type { paths, components } from './openapi.js';
export { withHold, type HoldOutcome } from './hold.js';
export { verifyWebhook, WebhookVerificationError, type VerifyOptions, type WebhookEvent, type AccountWebhookEvent, type TestWebhookEvent, type WebhookEventType } from './webhooks.js';
