import { sql } from 'drizzle-orm'

export default defineEventHandler(async (event) => {
  try {
    const { db, kind } = await useDatabase()
    await db.execute(sql`select 1`)
    const current = await schemaIsCurrent(db)
    if (!current) setResponseStatus(event, 503)
    return { ok: current, database: kind, migrations: current ? 'current' : 'pending' }
  }
  catch {
    setResponseStatus(event, 503)
    return { ok: false, database: 'unavailable', migrations: 'unknown' }
  }
})
