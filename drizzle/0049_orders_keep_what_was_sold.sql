-- An order keeps what was sold: the package's name and kind, its unit price at checkout and the
-- tokens per model it granted (the quantity's total), so editing a package later rewrites no
-- purchase. Orders before this take them from what the ledger granted for their Paddle transaction
-- (its purchase and subscription lots: amount and model; the name as the lot's note gave it, less
-- " × N" and " · renewal"/" · auto top-up"); only an order that granted nothing (an unpaid checkout,
-- a failed payment) takes today's package, as nothing else says what it offered.
-- A package whose price changes gets a new Paddle price; the prices it sold through before are kept
-- (`retired_prices`), so the renewals of subscriptions on them still map back to it at their price.
ALTER TABLE "products" ADD COLUMN "retired_prices" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "product_name" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "product_kind" text;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "unit_price_cents" integer;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "contents" jsonb;--> statement-breakpoint
WITH granted AS (
	SELECT o."id",
		jsonb_agg(jsonb_build_object('model', g."model", 'tokens', g."tokens") ORDER BY g."model" NULLS FIRST) AS "contents",
		min(g."name") AS "name",
		bool_or(g."subscription") AS "subscription"
	FROM "orders" o
	JOIN LATERAL (
		SELECT l."model", sum(l."amount")::int8 AS "tokens", bool_or(l."source" = 'subscription') AS "subscription",
			min(regexp_replace(l."note", '( × [0-9]+)?( · (renewal|auto top-up))?$', '')) AS "name"
		FROM "lots" l
		WHERE l."grant_key" LIKE 'paddle:' || o."paddle_transaction_id" || ':%' AND l."source" IN ('purchase', 'subscription')
		GROUP BY l."model"
	) g ON true
	WHERE o."paddle_transaction_id" IS NOT NULL
	GROUP BY o."id"
)
UPDATE "orders" o SET
	"contents" = granted."contents",
	"product_name" = coalesce(nullif(granted."name", ''), p."name"),
	"product_kind" = CASE WHEN granted."subscription" THEN 'subscription' ELSE p."kind" END
FROM granted, "products" p
WHERE granted."id" = o."id" AND p."id" = o."product_id";--> statement-breakpoint
UPDATE "orders" o SET
	"contents" = coalesce(o."contents", (SELECT jsonb_agg(jsonb_build_object('model', g->'model', 'tokens', (g->>'tokens')::int8 * o."quantity")) FROM jsonb_array_elements(p."grants") g)),
	"product_name" = coalesce(o."product_name", p."name"),
	"product_kind" = coalesce(o."product_kind", p."kind"),
	"unit_price_cents" = CASE WHEN o."amount_cents" IS NOT NULL AND o."quantity" > 0 THEN o."amount_cents" / o."quantity" ELSE p."price_cents" END
FROM "products" p
WHERE p."id" = o."product_id";--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "product_name" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "product_kind" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "unit_price_cents" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "contents" SET NOT NULL;
