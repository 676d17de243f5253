CREATE TABLE "saved_reports" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"name" text NOT NULL,
	"record_type" text NOT NULL,
	"definition" jsonb NOT NULL,
	"chart" text DEFAULT 'bar' NOT NULL,
	"shared" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "saved_reports_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "saved_reports" ADD CONSTRAINT "saved_reports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saved_reports" ADD CONSTRAINT "saved_reports_owner_fk" FOREIGN KEY ("tenant_id","owner_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "saved_reports_tenant_owner_idx" ON "saved_reports" USING btree ("tenant_id","owner_id");--> statement-breakpoint
CREATE INDEX "saved_reports_tenant_shared_idx" ON "saved_reports" USING btree ("tenant_id") WHERE "saved_reports"."shared";--> statement-breakpoint
-- Hand-written (keep at the end): saved reports follow saved_views (0024). The tenant's own, and
-- within it the reports of owners the caller sees (their own; a manager's team; admins all) or
-- shared ones (the app keeps those to the caller's team; admins every shared one).
GRANT SELECT, INSERT, UPDATE, DELETE ON saved_reports TO momentum_app;
--> statement-breakpoint
ALTER TABLE saved_reports ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE saved_reports FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_visibility ON saved_reports
  USING (tenant_id = momentum_tenant() AND (momentum_sees_owner(owner_id) OR shared))
  WITH CHECK (tenant_id = momentum_tenant() AND momentum_sees_owner(owner_id));
--> statement-breakpoint
ALTER TABLE saved_reports ADD CONSTRAINT saved_reports_record_type_check CHECK (record_type IN ('deals', 'events', 'leads', 'accounts', 'contacts'));
--> statement-breakpoint
ALTER TABLE saved_reports ADD CONSTRAINT saved_reports_chart_check CHECK (chart IN ('bar', 'line', 'area', 'pie', 'table', 'number'));
