-- Search: trigram similarity for names and emails (typo-tolerant), full-text search for notes.
-- PGlite loads pg_trgm from @electric-sql/pglite/contrib (see db/client.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS accounts_name_trgm_idx ON accounts USING gin (lower(name) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS contacts_name_trgm_idx ON contacts USING gin (lower(first_name || ' ' || last_name) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS contacts_email_trgm_idx ON contacts USING gin (lower(email) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS deals_name_trgm_idx ON deals USING gin (lower(name) gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS notes_body_fts_idx ON notes USING gin (to_tsvector('simple', body));
