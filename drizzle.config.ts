import { defineConfig } from 'drizzle-kit'

// `npm run db:generate` writes SQL migrations from the schema; they are applied by
// db/migrate.ts (at server start, or `npm run db:migrate`).
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
})
