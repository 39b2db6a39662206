-- One schedule for the app's periodic and one-off work, claimed with FOR UPDATE SKIP LOCKED under a lease.
CREATE TABLE "scheduled_jobs" (
	"id" bigserial PRIMARY KEY,
	"name" text NOT NULL,
	"key" text NOT NULL,
	"payload" jsonb,
	"every_seconds" integer,
	"run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer DEFAULT 5 NOT NULL,
	"lease_until" timestamp with time zone,
	"leased_by" text,
	"last_started_at" timestamp with time zone,
	"last_finished_at" timestamp with time zone,
	"last_duration_ms" integer,
	"last_error" text,
	"failures" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scheduled_jobs_status" CHECK ("status" IN ('scheduled', 'done', 'failed')),
	CONSTRAINT "scheduled_jobs_every" CHECK ("every_seconds" IS NULL OR "every_seconds" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "scheduled_jobs_name_key" ON "scheduled_jobs" ("name", "key");
--> statement-breakpoint
CREATE INDEX "scheduled_jobs_due" ON "scheduled_jobs" ("run_at") WHERE "status" = 'scheduled';
--> statement-breakpoint
-- The host site's webhook endpoints (site admins register them).
CREATE TABLE "webhook_endpoints" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	"url" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"secret" text NOT NULL,
	"event_types" text[] NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"disabled_reason" text,
	"disabled_at" timestamp with time zone,
	"created_by" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- The last sequence number given to an account's webhook events (receivers order by it).
CREATE TABLE "webhook_sequences" (
	"account_id" uuid PRIMARY KEY REFERENCES "accounts"("id") ON DELETE CASCADE,
	"last_seq" bigint NOT NULL
);
--> statement-breakpoint
-- The outbox: one row per event, written in the transaction of the change that caused it.
CREATE TABLE "webhook_events" (
	"id" text PRIMARY KEY,
	"account_id" uuid NOT NULL REFERENCES "accounts"("id") ON DELETE CASCADE,
	"seq" bigint NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_events_account_seq" UNIQUE ("account_id", "seq")
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" bigserial PRIMARY KEY,
	"event_id" text NOT NULL REFERENCES "webhook_events"("id") ON DELETE CASCADE,
	"endpoint_id" uuid NOT NULL REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_deliveries_status" CHECK ("status" IN ('pending', 'delivered', 'failed')),
	CONSTRAINT "webhook_deliveries_once" UNIQUE ("event_id", "endpoint_id")
);
--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due" ON "webhook_deliveries" ("next_attempt_at") WHERE "status" = 'pending';
--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint" ON "webhook_deliveries" ("endpoint_id", "created_at" DESC);
--> statement-breakpoint
-- The delivery log: every attempt with its answer.
CREATE TABLE "webhook_attempts" (
	"id" bigserial PRIMARY KEY,
	"delivery_id" bigint NOT NULL REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE,
	"endpoint_id" uuid NOT NULL REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"status_code" integer,
	"latency_ms" integer NOT NULL,
	"response_excerpt" text,
	"error" text,
	"manual" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX "webhook_attempts_endpoint" ON "webhook_attempts" ("endpoint_id", "at" DESC);
--> statement-breakpoint
CREATE INDEX "webhook_attempts_delivery" ON "webhook_attempts" ("delivery_id", "at" DESC);
