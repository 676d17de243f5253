CREATE TABLE "salesforce_connections" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"instance_url" text NOT NULL,
	"login_url" text NOT NULL,
	"auth_flow" text NOT NULL,
	"client_id" text NOT NULL,
	"secrets" text NOT NULL,
	"interval_minutes" integer DEFAULT 15 NOT NULL,
	"stage_map" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"next_run_at" timestamp with time zone,
	"last_run" jsonb,
	"last_success_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"api_usage" jsonb,
	"lease_until" timestamp with time zone,
	"lease_owner" uuid,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "salesforce_sync_state" (
	"tenant_id" uuid NOT NULL,
	"object" text NOT NULL,
	"watermark" timestamp with time zone,
	"last_run_in" integer DEFAULT 0 NOT NULL,
	"last_run_out" integer DEFAULT 0 NOT NULL,
	"total_in" integer DEFAULT 0 NOT NULL,
	"total_out" integer DEFAULT 0 NOT NULL,
	"caught_up_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "salesforce_sync_state_pk" PRIMARY KEY("tenant_id","object")
);
--> statement-breakpoint
ALTER TABLE "salesforce_connections" ADD CONSTRAINT "salesforce_connections_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "salesforce_sync_state" ADD CONSTRAINT "salesforce_sync_state_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON salesforce_connections, salesforce_sync_state TO momentum_app;
--> statement-breakpoint
ALTER TABLE salesforce_connections ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE salesforce_connections FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE salesforce_sync_state ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE salesforce_sync_state FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON salesforce_connections USING (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON salesforce_sync_state USING (tenant_id = momentum_tenant());
--> statement-breakpoint
-- The scheduler finds the due connections of all tenants in one query, as the owner, while
-- app.system = 'salesforce_schedule' (transaction-local; see the same pattern in 0012). It reads
-- tenant ids and schedule columns only; each sync then runs in its own tenant's transactions.
DO $$
BEGIN
  EXECUTE format('CREATE POLICY system_schedule ON salesforce_connections FOR SELECT TO %I USING (current_setting(''app.system'', true) = ''salesforce_schedule'')', current_user);
END $$;
