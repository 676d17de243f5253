CREATE TYPE "public"."email_direction" AS ENUM('sent', 'received');--> statement-breakpoint
CREATE TYPE "public"."email_provider" AS ENUM('sendgrid', 'mailgun', 'postmark');--> statement-breakpoint
CREATE TABLE "email_connections" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"provider" "email_provider" NOT NULL,
	"secrets" text NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_connections_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "email_messages" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"direction" "email_direction" NOT NULL,
	"message_id" text NOT NULL,
	"provider_message_id" text,
	"in_reply_to" text,
	"deal_id" uuid,
	"contact_id" uuid,
	"from_address" text,
	"to_address" text,
	"subject" text,
	"at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone,
	"last_click_at" timestamp with time zone,
	"last_click_url" text,
	CONSTRAINT "email_messages_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "webhook_tokens" (
	"connection_id" uuid NOT NULL,
	"token" text NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_tokens_pk" PRIMARY KEY("connection_id","token")
);
--> statement-breakpoint
ALTER TABLE "email_connections" ADD CONSTRAINT "email_connections_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_messages" ADD CONSTRAINT "email_messages_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_messages" ADD CONSTRAINT "email_messages_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "email_connections_id_uq" ON "email_connections" USING btree ("id");--> statement-breakpoint
CREATE UNIQUE INDEX "email_messages_message_id_uq" ON "email_messages" USING btree ("tenant_id","message_id");--> statement-breakpoint
CREATE INDEX "email_messages_provider_id_idx" ON "email_messages" USING btree ("tenant_id","provider_message_id") WHERE "email_messages"."provider_message_id" is not null;--> statement-breakpoint
CREATE INDEX "email_messages_unmatched_idx" ON "email_messages" USING btree ("tenant_id","at") WHERE "email_messages"."direction" = 'received' and "email_messages"."contact_id" is null;--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON email_connections TO momentum_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON email_messages TO momentum_app;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON webhook_tokens TO momentum_app;
--> statement-breakpoint
ALTER TABLE email_connections ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE email_connections FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE email_messages ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE email_messages FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- A webhook names its connection before the tenant is known: app.email_connection_id opens that row only.
CREATE POLICY tenant_isolation ON email_connections
  USING (tenant_id = momentum_tenant() OR id = nullif(current_setting('app.email_connection_id', true), '')::uuid)
  WITH CHECK (tenant_id = momentum_tenant());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON email_messages USING (tenant_id = momentum_tenant());
