-- Monthly partitions of "events" (UTC months) and a default partition for anything else.
-- Events for a month without a partition land in the default one; creating that month's
-- partition later moves them out (an ATTACH would otherwise fail on the default's rows).
CREATE TABLE IF NOT EXISTS "events_default" PARTITION OF "events" DEFAULT;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION momentum_create_event_partition(month date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  lo timestamptz := date_trunc('month', month::timestamp) AT TIME ZONE 'UTC';
  hi timestamptz := (date_trunc('month', month::timestamp) + interval '1 month') AT TIME ZONE 'UTC';
  part text := 'events_' || to_char(month, 'YYYY_MM');
BEGIN
  IF to_regclass(part) IS NOT NULL THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE events INCLUDING DEFAULTS)', part);
  EXECUTE format(
    'WITH moved AS (DELETE FROM events_default WHERE occurred_at >= %L AND occurred_at < %L RETURNING *) '
    'INSERT INTO %I SELECT * FROM moved', lo, hi, part);
  EXECUTE format('ALTER TABLE events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
  RETURN true;
END $$;
--> statement-breakpoint
-- Creates the partitions for this month and the next `months_ahead`, and for every month that
-- has rows waiting in the default partition. Single-flight: concurrent callers queue on a lock.
-- Returns how many partitions it created.
CREATE OR REPLACE FUNCTION momentum_ensure_event_partitions(months_ahead integer DEFAULT 3) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m date;
  created integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('momentum:events:partitions'));
  FOR m IN
    SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date FROM events_default
    UNION
    SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i))::date
    FROM generate_series(0, months_ahead) AS i
    ORDER BY 1
  LOOP
    IF momentum_create_event_partition(m) THEN
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END $$;
