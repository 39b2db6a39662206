-- A webhook endpoint's secret can be rotated without losing a delivery (webhooks/endpoints.ts
-- `rotateSecret`): the secret it replaced signs too, beside the new one, until previous_secret_expires_at
-- (24 hours), so the receiver switches at its own pace. Both null: no rotation in progress.
ALTER TABLE "webhook_endpoints" ADD COLUMN "previous_secret" text;--> statement-breakpoint
ALTER TABLE "webhook_endpoints" ADD COLUMN "previous_secret_expires_at" timestamp with time zone;
