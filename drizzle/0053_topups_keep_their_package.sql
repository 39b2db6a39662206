-- A top-up keeps the package it was for as it stood when claimed: its name and tokens per model, as
-- its price (amount_cents) already was, so Settings' top-ups of the month and the top-up's notices
-- say what it offered whatever the package is renamed or changed to later. Top-ups from before take
-- them from their order when one was made (what it sold), else from the package as it is now.
ALTER TABLE "topups" ADD COLUMN "product_name" text;--> statement-breakpoint
ALTER TABLE "topups" ADD COLUMN "contents" jsonb;--> statement-breakpoint
UPDATE "topups" t SET
	"product_name" = coalesce((SELECT o."product_name" FROM "orders" o WHERE o."id" = t."order_id"), (SELECT p."name" FROM "products" p WHERE p."id" = t."product_id"), t."product_id"),
	"contents" = coalesce((SELECT o."contents" FROM "orders" o WHERE o."id" = t."order_id"), (SELECT p."grants" FROM "products" p WHERE p."id" = t."product_id"), '[]'::jsonb);--> statement-breakpoint
ALTER TABLE "topups" ALTER COLUMN "product_name" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "topups" ALTER COLUMN "contents" SET NOT NULL;
