-- The tenant's own currency (ISO 4217): board column totals and forecasts are shown in it, rather
-- than in the currency most of the deals happen to be in. Deals keep their own currency.
ALTER TABLE "tenants" ADD COLUMN "currency" char(3) DEFAULT 'USD' NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_currency_ck" CHECK ("tenants"."currency" ~ '^[A-Z]{3}$');
