CREATE TYPE "public"."alert_kind" AS ENUM('at_risk', 'stalling', 'stage_overdue', 'quiet_after_proposal', 'close_date_passed', 'lost_only_contact');--> statement-breakpoint
CREATE TYPE "public"."alert_status" AS ENUM('open', 'dismissed', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."momentum_state" AS ENUM('accelerating', 'steady', 'stalling', 'at_risk');--> statement-breakpoint
CREATE TABLE "alerts" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"deal_id" uuid NOT NULL,
	"kind" "alert_kind" NOT NULL,
	"occurrence" text NOT NULL,
	"message" text NOT NULL,
	"status" "alert_status" DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"dismissed_by_id" uuid,
	CONSTRAINT "alerts_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "deal_score_history" (
	"tenant_id" uuid NOT NULL,
	"deal_id" uuid NOT NULL,
	"day" date NOT NULL,
	"score" integer NOT NULL,
	"state" "momentum_state" NOT NULL,
	"reason_codes" text[] DEFAULT '{}' NOT NULL,
	CONSTRAINT "deal_score_history_pk" PRIMARY KEY("tenant_id","deal_id","day")
);
--> statement-breakpoint
CREATE TABLE "deal_scores" (
	"tenant_id" uuid NOT NULL,
	"deal_id" uuid NOT NULL,
	"score" integer NOT NULL,
	"state" "momentum_state" NOT NULL,
	"previous_score" integer,
	"previous_state" "momentum_state",
	"state_since" timestamp with time zone NOT NULL,
	"reasons" jsonb NOT NULL,
	"signals" jsonb NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "deal_scores_pk" PRIMARY KEY("tenant_id","deal_id")
);
--> statement-breakpoint
CREATE TABLE "momentum_dirty" (
	"tenant_id" uuid NOT NULL,
	"deal_id" uuid NOT NULL,
	"dirtied_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "momentum_dirty_pk" PRIMARY KEY("tenant_id","deal_id")
);
--> statement-breakpoint
CREATE TABLE "momentum_weights" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"weights" jsonb NOT NULL,
	"won" integer NOT NULL,
	"lost" integer NOT NULL,
	"fitted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pipeline_snapshots" (
	"tenant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"deal_id" uuid NOT NULL,
	"owner_id" uuid NOT NULL,
	"stage" text NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"currency" text NOT NULL,
	"close_date" date,
	"forecast_category" "forecast_category" NOT NULL,
	"probability" integer NOT NULL,
	"score" integer,
	"state" "momentum_state",
	CONSTRAINT "pipeline_snapshots_pk" PRIMARY KEY("tenant_id","day","deal_id")
);
--> statement-breakpoint
CREATE TABLE "task_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"tenant_id" uuid,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"status" text NOT NULL,
	"touched" integer DEFAULT 0 NOT NULL,
	"duration_ms" integer,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_deal_fk" FOREIGN KEY ("tenant_id","deal_id") REFERENCES "public"."deals"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_score_history" ADD CONSTRAINT "deal_score_history_deal_fk" FOREIGN KEY ("tenant_id","deal_id") REFERENCES "public"."deals"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_scores" ADD CONSTRAINT "deal_scores_deal_fk" FOREIGN KEY ("tenant_id","deal_id") REFERENCES "public"."deals"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "momentum_dirty" ADD CONSTRAINT "momentum_dirty_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "momentum_weights" ADD CONSTRAINT "momentum_weights_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pipeline_snapshots" ADD CONSTRAINT "pipeline_snapshots_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_runs" ADD CONSTRAINT "task_runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_occurrence_uq" ON "alerts" USING btree ("tenant_id","deal_id","kind","occurrence");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_one_open_uq" ON "alerts" USING btree ("tenant_id","deal_id","kind") WHERE "alerts"."status" = 'open';--> statement-breakpoint
CREATE INDEX "alerts_tenant_status_idx" ON "alerts" USING btree ("tenant_id","status","created_at");--> statement-breakpoint
CREATE INDEX "deal_scores_tenant_state_idx" ON "deal_scores" USING btree ("tenant_id","state");--> statement-breakpoint
CREATE INDEX "pipeline_snapshots_tenant_deal_idx" ON "pipeline_snapshots" USING btree ("tenant_id","deal_id","day");--> statement-breakpoint
CREATE INDEX "task_runs_name_started_idx" ON "task_runs" USING btree ("name","started_at");--> statement-breakpoint
CREATE INDEX "task_runs_tenant_started_idx" ON "task_runs" USING btree ("tenant_id","started_at");--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON momentum_dirty, deal_scores, deal_score_history, alerts, momentum_weights, pipeline_snapshots TO momentum_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON task_runs TO momentum_app;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE task_runs_id_seq TO momentum_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['momentum_dirty', 'deal_scores', 'deal_score_history', 'alerts', 'momentum_weights', 'pipeline_snapshots', 'task_runs']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
  END LOOP;
END $$;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON momentum_dirty USING (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON momentum_weights USING (tenant_id = momentum_tenant());
--> statement-breakpoint
-- Runs of tasks that span all tenants (tenant_id null) are visible to every tenant's admins.
CREATE POLICY tenant_isolation ON task_runs USING (tenant_id = momentum_tenant() OR tenant_id IS NULL)
  WITH CHECK (tenant_id = momentum_tenant() OR tenant_id IS NULL);
--> statement-breakpoint
-- Scores, their history and alerts are seen by whoever sees the deal (the owner, their manager, admins).
CREATE POLICY tenant_visibility ON deal_scores
  USING (tenant_id = momentum_tenant() AND (momentum_sees_all()
         OR EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = deal_scores.tenant_id AND d.id = deal_scores.deal_id)))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_visibility ON deal_score_history
  USING (tenant_id = momentum_tenant() AND (momentum_sees_all()
         OR EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = deal_score_history.tenant_id AND d.id = deal_score_history.deal_id)))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_visibility ON alerts
  USING (tenant_id = momentum_tenant() AND (momentum_sees_all()
         OR EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = alerts.tenant_id AND d.id = alerts.deal_id)))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_visibility ON pipeline_snapshots
  USING (tenant_id = momentum_tenant() AND momentum_sees_owner(owner_id))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
-- Materialized views are refreshed by their owner across all tenants. With FORCEd row-level
-- security a non-superuser owner (Neon's) would see no rows, so the owner alone gets a read
-- policy that opens while app.system = 'refresh' (set by the refresh, transaction-locally).
-- Permissive policies add up; momentum_app never matches this one.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['deals', 'users', 'pipeline_stages', 'deal_scores', 'events']
  LOOP
    EXECUTE format('CREATE POLICY system_refresh ON %I FOR SELECT TO %I USING (current_setting(''app.system'', true) = ''refresh'')', t, current_user);
  END LOOP;
END $$;
--> statement-breakpoint
-- Pipeline summary per stage for each owner, each team and the tenant (open and closed stages),
-- with the momentum mix; read through the view below.
CREATE MATERIALIZED VIEW pipeline_summary_mv AS
SELECT d.tenant_id,
       CASE WHEN grouping(d.owner_id) = 0 THEN 'owner:' || d.owner_id
            WHEN grouping(u.team_id) = 0 THEN 'team:' || coalesce(u.team_id::text, 'none')
            ELSE 'tenant' END AS group_key,
       CASE WHEN grouping(d.owner_id) = 0 THEN 'owner' WHEN grouping(u.team_id) = 0 THEN 'team' ELSE 'tenant' END AS level,
       CASE WHEN grouping(d.owner_id) = 0 THEN d.owner_id END AS owner_id,
       CASE WHEN grouping(u.team_id) = 0 THEN u.team_id END AS team_id,
       d.stage,
       count(*)::int AS deals,
       sum(d.amount)::numeric(16, 2) AS value,
       sum(d.amount * coalesce(d.probability, s.probability) / 100.0)::numeric(16, 2) AS weighted,
       count(*) FILTER (WHERE sc.state = 'accelerating')::int AS accelerating,
       count(*) FILTER (WHERE sc.state = 'steady')::int AS steady,
       count(*) FILTER (WHERE sc.state = 'stalling')::int AS stalling,
       count(*) FILTER (WHERE sc.state = 'at_risk')::int AS at_risk,
       now() AS refreshed_at
FROM deals d
JOIN pipeline_stages s ON s.tenant_id = d.tenant_id AND s.key = d.stage
JOIN users u ON u.tenant_id = d.tenant_id AND u.id = d.owner_id
LEFT JOIN deal_scores sc ON sc.tenant_id = d.tenant_id AND sc.deal_id = d.id AND s.kind = 'open'
GROUP BY GROUPING SETS ((d.tenant_id, d.stage), (d.tenant_id, u.team_id, d.stage), (d.tenant_id, d.owner_id, d.stage));
--> statement-breakpoint
CREATE UNIQUE INDEX pipeline_summary_mv_uq ON pipeline_summary_mv (tenant_id, group_key, stage);
--> statement-breakpoint
-- Activity per user, day and type over the last 90 days (machine-flagged email events left out).
CREATE MATERIALIZED VIEW activity_daily_mv AS
SELECT e.tenant_id,
       coalesce(e.actor_user_id, '00000000-0000-0000-0000-000000000000'::uuid) AS user_id,
       (e.occurred_at AT TIME ZONE 'UTC')::date AS day,
       e.type,
       count(*)::int AS events
FROM events e
WHERE e.occurred_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '90 days'
  AND e.type NOT IN ('stage_changed', 'deal_created', 'deal_updated')
  AND coalesce(e.metadata ->> 'machine', 'false') <> 'true'
GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
CREATE UNIQUE INDEX activity_daily_mv_uq ON activity_daily_mv (tenant_id, user_id, day, type);
--> statement-breakpoint
-- The app reads the views, never the materialized views: they show the caller's tenant only.
CREATE VIEW pipeline_summary WITH (security_barrier) AS
  SELECT * FROM pipeline_summary_mv WHERE tenant_id = momentum_tenant();
--> statement-breakpoint
CREATE VIEW activity_daily WITH (security_barrier) AS
  SELECT * FROM activity_daily_mv WHERE tenant_id = momentum_tenant();
--> statement-breakpoint
GRANT SELECT ON pipeline_summary, activity_daily TO momentum_app;
