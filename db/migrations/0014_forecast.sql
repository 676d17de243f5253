CREATE TYPE "public"."forecast_adjustment_scope" AS ENUM('owner', 'team', 'tenant');--> statement-breakpoint
CREATE TABLE "forecast_adjustments" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"period" text NOT NULL,
	"scope" "forecast_adjustment_scope" NOT NULL,
	"target_id" uuid,
	"amount" numeric(14, 2) NOT NULL,
	"original" numeric(14, 2) NOT NULL,
	"note" text NOT NULL,
	"created_by_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "forecast_adjustments_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "quotas" (
	"tenant_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"period" text NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quotas_pk" PRIMARY KEY("tenant_id","owner_id","period")
);
--> statement-breakpoint
ALTER TABLE "forecast_adjustments" ADD CONSTRAINT "forecast_adjustments_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotas" ADD CONSTRAINT "quotas_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quotas" ADD CONSTRAINT "quotas_owner_fk" FOREIGN KEY ("tenant_id","owner_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "forecast_adjustments_period_idx" ON "forecast_adjustments" USING btree ("tenant_id","period","created_at");--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON quotas TO momentum_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON forecast_adjustments TO momentum_app;
--> statement-breakpoint
ALTER TABLE quotas ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE quotas FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE forecast_adjustments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE forecast_adjustments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- A rep sees their own quota, a manager their team's, an admin all.
CREATE POLICY tenant_visibility ON quotas
  USING (tenant_id = momentum_tenant() AND momentum_sees_owner(owner_id))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
-- Adjustments of an owner follow the owner's visibility; team and tenant ones are filtered by the app.
CREATE POLICY tenant_visibility ON forecast_adjustments
  USING (tenant_id = momentum_tenant() AND (scope <> 'owner' OR momentum_sees_owner(target_id)))
  WITH CHECK (tenant_id = momentum_tenant());
