ALTER TABLE "tenants" ADD COLUMN "email_payload_retention_days" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "email_messages" ADD COLUMN "raw_payload" text;--> statement-breakpoint
ALTER TABLE "email_messages" ADD COLUMN "raw_received_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "email_messages_raw_idx" ON "email_messages" USING btree ("tenant_id","raw_received_at") WHERE "email_messages"."raw_payload" is not null;--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_email_payload_retention_days_ck" CHECK ("email_payload_retention_days" BETWEEN 1 AND 3650);
--> statement-breakpoint
-- Erasure now also reaches the events that name the person only by address (an integration's
-- event with `actor.email` on a deal): the same stripping, by contact or by actor address.
DROP FUNCTION momentum_erase_contact_events(uuid);
--> statement-breakpoint
CREATE FUNCTION momentum_erase_contact_events(contact uuid, address text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  tenant uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
  changed integer;
BEGIN
  IF tenant IS NULL THEN
    RAISE EXCEPTION 'momentum_erase_contact_events needs app.tenant_id';
  END IF;
  UPDATE events e
     SET actor_email = NULL,
         metadata = coalesce((
           SELECT jsonb_object_agg(key, value) FROM jsonb_each(e.metadata)
            WHERE key IN ('outcome', 'durationSeconds', 'durationMinutes', 'direction', 'machine', 'machineReason', 'bounceType', 'provider')
         ), '{}'::jsonb) || '{"erased": true}'::jsonb
   WHERE e.tenant_id = tenant
     AND (e.contact_id = contact OR (address IS NOT NULL AND lower(e.actor_email) = lower(address)));
  GET DIAGNOSTICS changed = ROW_COUNT;
  RETURN changed;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION momentum_erase_contact_events(uuid, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION momentum_erase_contact_events(uuid, text) TO momentum_app;
