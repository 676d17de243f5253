-- Snoozed alerts: an open alert with snoozed_until in the future is left out of the lists until
-- then (null: not snoozed). The column follows the alerts' grants and policies (0012, 0021).
ALTER TABLE "alerts" ADD COLUMN "snoozed_until" timestamp with time zone;
