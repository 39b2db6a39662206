-- "Add package" makes the package's Paddle price (store/new-package.ts). A price being made is claimed
-- here first, per package id and Paddle environment, so a second add of the same package meanwhile (a
-- double click, a retry) waits for it instead of making a second price in Paddle.
CREATE TABLE "paddle_price_requests" (
	"environment" text NOT NULL,
	"product_id" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "paddle_price_requests_environment_product_id_pk" PRIMARY KEY("environment","product_id")
);
