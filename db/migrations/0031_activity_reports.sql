CREATE TABLE "activity_dirty_days" (
	"tenant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"dirtied_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "activity_dirty_days_pk" PRIMARY KEY("tenant_id","day")
);
--> statement-breakpoint
CREATE TABLE "activity_rollup" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"day" date NOT NULL,
	"measure" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "activity_rollup_pk" PRIMARY KEY("tenant_id","day","user_id","measure")
);
--> statement-breakpoint
CREATE TABLE "activity_rollup_state" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"refreshed_at" timestamp with time zone NOT NULL,
	"from_day" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "activity_targets" (
	"tenant_id" uuid NOT NULL,
	"target_key" text NOT NULL,
	"owner_id" uuid,
	"team_id" uuid,
	"measure" text NOT NULL,
	"weekly" integer NOT NULL,
	"updated_by_id" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "activity_targets_pk" PRIMARY KEY("tenant_id","target_key","measure")
);
--> statement-breakpoint
ALTER TABLE "activity_dirty_days" ADD CONSTRAINT "activity_dirty_days_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_rollup" ADD CONSTRAINT "activity_rollup_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_rollup_state" ADD CONSTRAINT "activity_rollup_state_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_targets" ADD CONSTRAINT "activity_targets_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_targets" ADD CONSTRAINT "activity_targets_owner_fk" FOREIGN KEY ("tenant_id","owner_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_targets" ADD CONSTRAINT "activity_targets_team_fk" FOREIGN KEY ("tenant_id","team_id") REFERENCES "public"."teams"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activity_rollup_user_day_idx" ON "activity_rollup" USING btree ("tenant_id","user_id","day");--> statement-breakpoint
-- Hand-written (issue #27, activity reports). The daily activity rollup replaces
-- activity_daily_rows (0021: the last 90 days, recomputed whole each run, read by nothing):
-- activity_rollup holds per rep, day and measure 400 days, maintained incrementally. The view
-- activity_daily keeps its columns (user_id, day, type, events) over the new table.
DROP VIEW activity_daily;
--> statement-breakpoint
DROP TABLE activity_daily_rows;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON activity_rollup, activity_dirty_days, activity_rollup_state, activity_targets TO momentum_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['activity_rollup', 'activity_dirty_days', 'activity_rollup_state', 'activity_targets']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
  END LOOP;
END $$;
--> statement-breakpoint
-- A rep's figures are seen by who sees the rep (themselves; the managers of the teams they are
-- in; admins); the refresh runs for the whole tenant.
CREATE POLICY tenant_visibility ON activity_rollup
  USING (tenant_id = momentum_tenant() AND momentum_sees_owner(user_id))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON activity_dirty_days USING (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON activity_rollup_state USING (tenant_id = momentum_tenant());
--> statement-breakpoint
-- Targets are not secret within the tenant (a rep reads their team's default); who may set them
-- is checked by the app (managers: the reps and teams they lead; admins: anyone).
CREATE POLICY tenant_isolation ON activity_targets USING (tenant_id = momentum_tenant());
--> statement-breakpoint
ALTER TABLE activity_targets ADD CONSTRAINT activity_targets_one_target CHECK ((owner_id IS NULL) <> (team_id IS NULL));
--> statement-breakpoint
ALTER TABLE activity_targets ADD CONSTRAINT activity_targets_weekly_check CHECK (weekly >= 0);
--> statement-breakpoint
CREATE VIEW activity_daily WITH (security_barrier) AS
  SELECT tenant_id, user_id, day, measure AS type, count AS events FROM activity_rollup WHERE tenant_id = momentum_tenant();
--> statement-breakpoint
GRANT SELECT ON activity_daily TO momentum_app;
