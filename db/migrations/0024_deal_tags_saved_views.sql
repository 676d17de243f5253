CREATE TABLE "saved_views" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"name" text NOT NULL,
	"record_type" text NOT NULL,
	"filters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"sort" jsonb,
	"columns" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"shared" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "saved_views_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "saved_views" ADD CONSTRAINT "saved_views_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saved_views" ADD CONSTRAINT "saved_views_owner_fk" FOREIGN KEY ("tenant_id","owner_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "saved_views_tenant_owner_idx" ON "saved_views" USING btree ("tenant_id","owner_id");--> statement-breakpoint
CREATE INDEX "saved_views_tenant_shared_idx" ON "saved_views" USING btree ("tenant_id","record_type") WHERE "saved_views"."shared";--> statement-breakpoint
CREATE INDEX "deals_tags_idx" ON "deals" USING gin ("tags");--> statement-breakpoint
-- Saved views: the tenant's own, and within it the views of owners the caller sees (their own; a
-- manager's team; admins all) or shared ones (the app keeps those to the caller's team).
GRANT SELECT, INSERT, UPDATE, DELETE ON saved_views TO momentum_app;
--> statement-breakpoint
ALTER TABLE saved_views ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE saved_views FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_visibility ON saved_views
  USING (tenant_id = momentum_tenant() AND (momentum_sees_owner(owner_id) OR shared))
  WITH CHECK (tenant_id = momentum_tenant() AND momentum_sees_owner(owner_id));
--> statement-breakpoint
ALTER TABLE saved_views ADD CONSTRAINT saved_views_record_type_check CHECK (record_type IN ('deals', 'accounts', 'contacts', 'leads'));
