CREATE TABLE "paddle_simulator_records" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "paddle_events" ADD COLUMN "transaction_id" text;--> statement-breakpoint
ALTER TABLE "paddle_events" ADD COLUMN "effect" jsonb;--> statement-breakpoint
CREATE INDEX "paddle_events_transaction_idx" ON "paddle_events" USING btree ("transaction_id");--> statement-breakpoint
CREATE INDEX "paddle_events_outcome_idx" ON "paddle_events" USING btree ("outcome","received_at");