ALTER TABLE "contacts" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
-- Erasure is the one exception to append-only events: a person's events keep their type, time
-- and links (aggregate history), but lose what could name them — the actor's address and every
-- metadata key outside a short list of non-personal ones. SECURITY DEFINER runs it as the owner
-- (the app role cannot UPDATE events); it works only inside the caller's own tenant.
CREATE FUNCTION momentum_erase_contact_events(contact uuid) RETURNS integer
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
   WHERE e.tenant_id = tenant AND e.contact_id = contact;
  GET DIAGNOSTICS changed = ROW_COUNT;
  RETURN changed;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION momentum_erase_contact_events(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION momentum_erase_contact_events(uuid) TO momentum_app;
