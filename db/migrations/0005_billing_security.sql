-- Billing tables under the same row-level security as the rest (see 0003). A Stripe webhook
-- knows the customer before the tenant: app.stripe_customer_id opens that tenant's billing row.
GRANT SELECT, INSERT, UPDATE ON tenant_billing, invoices TO momentum_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON stripe_events TO momentum_app;
--> statement-breakpoint
ALTER TABLE tenant_billing ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenant_billing FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON tenant_billing
  USING (tenant_id = momentum_tenant() OR stripe_customer_id = nullif(current_setting('app.stripe_customer_id', true), ''))
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON invoices USING (tenant_id = momentum_tenant());
