CREATE TABLE "sso_domains" (
	"domain" text PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sso_providers" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"issuer" text NOT NULL,
	"client_id" text NOT NULL,
	"secrets" text NOT NULL,
	"jit_provisioning" boolean DEFAULT false NOT NULL,
	"sso_only" boolean DEFAULT false NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sso_domains" ADD CONSTRAINT "sso_domains_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sso_providers" ADD CONSTRAINT "sso_providers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sso_domains_tenant_idx" ON "sso_domains" USING btree ("tenant_id");--> statement-breakpoint
-- Single sign-on: the tenant's provider is the tenant's own; a domain row is the tenant's, or
-- opened alone by app.sso_domain (sign-in by email finds the tenant before it knows it).
GRANT SELECT, INSERT, UPDATE, DELETE ON sso_providers TO momentum_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON sso_domains TO momentum_app;
--> statement-breakpoint
ALTER TABLE sso_providers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sso_providers FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sso_domains ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sso_domains FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON sso_providers
  USING (tenant_id = momentum_tenant())
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON sso_domains
  USING (tenant_id = momentum_tenant() OR domain = nullif(current_setting('app.sso_domain', true), ''))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
ALTER TABLE sso_domains ADD CONSTRAINT sso_domains_lower_ck CHECK (domain = lower(domain));
