-- Tenant isolation underneath the app's own scoping: row-level security on every tenant table.
--
-- Request transactions run as the role momentum_app (SET LOCAL ROLE, see server/domain/db.ts),
-- which is not a superuser and does not bypass RLS, with these transaction-local settings:
--   app.tenant_id   the tenant; without it no tenant row is visible
--   app.scope       'tenant' (admins, system jobs) or 'owners' (reps, managers); unset: owners
--   app.owners      with scope 'owners': the user ids whose records the caller sees
-- FORCE makes the tables' owner obey the policies too. Partitions of "events" are reached only
-- through the parent (momentum_app has no rights on them), so the parent's policy applies.
DO $$
BEGIN
  CREATE ROLE momentum_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- roles are cluster-wide: another database of this server made it already
END $$;
--> statement-breakpoint
GRANT momentum_app TO CURRENT_USER;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO momentum_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants, teams, users, pipeline_stages, accounts, contacts, leads, deals,
  deal_contacts, notes, tasks, api_keys, auth_throttle TO momentum_app;
--> statement-breakpoint
-- Append-only: events, their idempotency keys and the audit log can be written once and read.
GRANT SELECT, INSERT ON events, event_keys, audit_log TO momentum_app;
--> statement-breakpoint
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO momentum_app;
--> statement-breakpoint
REVOKE ALL ON events_default FROM momentum_app;
--> statement-breakpoint
CREATE FUNCTION momentum_tenant() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
--> statement-breakpoint
-- Whether the caller sees the whole tenant. Without app.scope: no (a forgotten setting hides, never shows).
CREATE FUNCTION momentum_sees_all() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT coalesce(current_setting('app.scope', true), '') = 'tenant' $$;
--> statement-breakpoint
-- Whether the caller sees records owned by `owner`: the whole tenant, or one of the listed owners.
CREATE FUNCTION momentum_sees_owner(owner uuid) RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT momentum_sees_all()
       OR owner = ANY (string_to_array(nullif(current_setting('app.owners', true), ''), ',')::uuid[]) $$;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['teams', 'users', 'pipeline_stages', 'accounts', 'contacts', 'leads', 'deals', 'deal_contacts',
                           'notes', 'tasks', 'events', 'event_keys', 'api_keys', 'audit_log']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
  END LOOP;
END $$;
--> statement-breakpoint
-- The tenants table is not tenant data of its own: the app role sees its tenant's row only, while
-- the owner (migrations, sign-up, jobs that walk all tenants) sees them all (no FORCE here).
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_row ON tenants USING (id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON teams USING (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON pipeline_stages USING (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON event_keys USING (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON audit_log USING (tenant_id = momentum_tenant());
--> statement-breakpoint
-- Sign-in looks a user up by email before it knows the tenant: app.login_email opens that row only.
CREATE POLICY tenant_isolation ON users
  USING (tenant_id = momentum_tenant()
         OR lower(email) = nullif(current_setting('app.login_email', true), '')
         OR invite_token_hash = nullif(current_setting('app.invite_token_hash', true), ''))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
-- An API key is found by its public prefix before the tenant is known.
CREATE POLICY tenant_isolation ON api_keys
  USING (tenant_id = momentum_tenant() OR prefix = nullif(current_setting('app.api_key_prefix', true), ''))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
-- Visibility by role: reps see what they own, managers their team's, admins the tenant.
CREATE POLICY tenant_visibility ON deals
  USING (tenant_id = momentum_tenant() AND momentum_sees_owner(owner_id))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_visibility ON leads
  USING (tenant_id = momentum_tenant() AND momentum_sees_owner(owner_id))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
-- The sub-selects below read "deals" and "accounts" through their own policies: visible ones only.
CREATE POLICY tenant_visibility ON accounts
  USING (tenant_id = momentum_tenant() AND (momentum_sees_owner(owner_id)
         OR EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = accounts.tenant_id AND d.account_id = accounts.id)))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_visibility ON deal_contacts
  USING (tenant_id = momentum_tenant() AND (momentum_sees_all()
         OR EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = deal_contacts.tenant_id AND d.id = deal_contacts.deal_id)))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_visibility ON contacts
  USING (tenant_id = momentum_tenant() AND (momentum_sees_owner(owner_id)
         OR EXISTS (SELECT 1 FROM deal_contacts dc WHERE dc.tenant_id = contacts.tenant_id AND dc.contact_id = contacts.id)
         OR EXISTS (SELECT 1 FROM accounts a WHERE a.tenant_id = contacts.tenant_id AND a.id = contacts.account_id)))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_visibility ON notes
  USING (tenant_id = momentum_tenant() AND (momentum_sees_owner(author_id)
         OR EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = notes.tenant_id AND d.id = notes.deal_id)
         OR EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = notes.tenant_id AND c.id = notes.contact_id)
         OR EXISTS (SELECT 1 FROM accounts a WHERE a.tenant_id = notes.tenant_id AND a.id = notes.account_id)))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_visibility ON tasks
  USING (tenant_id = momentum_tenant() AND (momentum_sees_owner(assignee_id)
         OR EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = tasks.tenant_id AND d.id = tasks.deal_id)))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_visibility ON events
  USING (tenant_id = momentum_tenant() AND (momentum_sees_owner(actor_user_id)
         OR EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = events.tenant_id AND d.id = events.deal_id)
         OR EXISTS (SELECT 1 FROM contacts c WHERE c.tenant_id = events.tenant_id AND c.id = events.contact_id)))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
-- Partition upkeep moves rows between partitions of every tenant: it runs as the owner.
ALTER FUNCTION momentum_ensure_event_partitions(integer) SECURITY DEFINER SET search_path = public, pg_temp;
--> statement-breakpoint
ALTER FUNCTION momentum_create_event_partition(date) SECURITY DEFINER SET search_path = public, pg_temp;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION momentum_ensure_event_partitions(integer) TO momentum_app;
