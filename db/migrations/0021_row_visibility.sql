-- A row tied to a deal is visible only to whoever may see that deal, on every path (search,
-- timelines, exports, streams). Until now a note, a task, an event or an email on a deal also
-- opened through its author or actor, or through a contact or account the caller shares with the
-- deal's owner: a rep read another rep's private deal activity through a shared contact.
-- Rows on no deal keep following the record they are about (the contact or account, which a
-- caller sees through their own deals) or the person they belong to; emails on no deal and no
-- contact (unmatched replies) are the admins' (scope 'tenant') alone.
-- The sub-selects read "deals", "contacts" and "accounts" through their own policies.
DROP POLICY tenant_visibility ON notes;
--> statement-breakpoint
CREATE POLICY tenant_visibility ON notes
  USING (tenant_id = momentum_tenant() AND (momentum_sees_all()
         OR (deal_id IS NOT NULL AND EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = notes.tenant_id AND d.id = notes.deal_id))
         OR (deal_id IS NULL AND (momentum_sees_owner(author_id)
             OR EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = notes.tenant_id AND c.id = notes.contact_id)
             OR EXISTS (SELECT 1 FROM accounts a WHERE a.tenant_id = notes.tenant_id AND a.id = notes.account_id)))))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
DROP POLICY tenant_visibility ON tasks;
--> statement-breakpoint
CREATE POLICY tenant_visibility ON tasks
  USING (tenant_id = momentum_tenant() AND (momentum_sees_all()
         OR (deal_id IS NOT NULL AND EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = tasks.tenant_id AND d.id = tasks.deal_id))
         OR (deal_id IS NULL AND momentum_sees_owner(assignee_id))))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
DROP POLICY tenant_visibility ON events;
--> statement-breakpoint
CREATE POLICY tenant_visibility ON events
  USING (tenant_id = momentum_tenant() AND (momentum_sees_all()
         OR (deal_id IS NOT NULL AND EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = events.tenant_id AND d.id = events.deal_id))
         OR (deal_id IS NULL AND (momentum_sees_owner(actor_user_id)
             OR EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = events.tenant_id AND c.id = events.contact_id)))))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
DROP POLICY tenant_isolation ON email_messages;
--> statement-breakpoint
CREATE POLICY tenant_visibility ON email_messages
  USING (tenant_id = momentum_tenant() AND (momentum_sees_all()
         OR (deal_id IS NOT NULL AND EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = email_messages.tenant_id AND d.id = email_messages.deal_id))
         OR (deal_id IS NULL AND contact_id IS NOT NULL
             AND EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = email_messages.tenant_id AND c.id = email_messages.contact_id))))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
-- The pipeline summary and daily activity become tables refreshed one tenant at a time (they
-- were materialized views, which refresh every tenant at once): a tenant's admin who asks for a
-- refresh, and each tenant's scoring run, recompute that tenant's rows only, in a transaction
-- of that tenant (readers see the old rows until it commits). The app still reads them through
-- the views pipeline_summary and activity_daily, which show the caller's tenant only.
DROP VIEW pipeline_summary;
--> statement-breakpoint
DROP VIEW activity_daily;
--> statement-breakpoint
DROP MATERIALIZED VIEW pipeline_summary_mv;
--> statement-breakpoint
DROP MATERIALIZED VIEW activity_daily_mv;
--> statement-breakpoint
CREATE TABLE pipeline_summary_rows (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  group_key text NOT NULL,
  level text NOT NULL,
  owner_id uuid,
  team_id uuid,
  stage text NOT NULL,
  deals integer NOT NULL,
  value numeric(16, 2),
  weighted numeric(16, 2),
  accelerating integer NOT NULL,
  steady integer NOT NULL,
  stalling integer NOT NULL,
  at_risk integer NOT NULL,
  refreshed_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, group_key, stage)
);
--> statement-breakpoint
CREATE TABLE activity_daily_rows (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  user_id uuid NOT NULL,
  day date NOT NULL,
  type text NOT NULL,
  events integer NOT NULL,
  PRIMARY KEY (tenant_id, user_id, day, type)
);
--> statement-breakpoint
-- When each tenant's rows were last recomputed (a tenant with no deals has no summary rows).
CREATE TABLE tenant_views_refreshed (
  tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  refreshed_at timestamptz NOT NULL
);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON pipeline_summary_rows, activity_daily_rows, tenant_views_refreshed TO momentum_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['pipeline_summary_rows', 'activity_daily_rows', 'tenant_views_refreshed']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = momentum_tenant())', t);
  END LOOP;
END $$;
--> statement-breakpoint
CREATE VIEW pipeline_summary WITH (security_barrier) AS
  SELECT * FROM pipeline_summary_rows WHERE tenant_id = momentum_tenant();
--> statement-breakpoint
CREATE VIEW activity_daily WITH (security_barrier) AS
  SELECT * FROM activity_daily_rows WHERE tenant_id = momentum_tenant();
--> statement-breakpoint
GRANT SELECT ON pipeline_summary, activity_daily TO momentum_app;
--> statement-breakpoint
-- The owner's read policies for refreshing the materialized views (0012) have nothing to open now.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['deals', 'users', 'pipeline_stages', 'deal_scores', 'events']
  LOOP
    EXECUTE format('DROP POLICY IF EXISTS system_refresh ON %I', t);
  END LOOP;
END $$;
