import { z } from 'zod'
import { withAccess } from '../../../domain/core/db'
import { csvLine } from '../../../domain/records/csv'
import { audit } from '../../../domain/tenancy/audit'
import { EXPORT_KINDS, EXPORTS } from '../../../domain/records/exports'

const ParamsSchema = z.object({ file: z.enum(EXPORT_KINDS.map(k => `${k}.csv`) as [string, ...string[]]) })
const PAGE = 1000

export const meta = defineRoute({ tag: 'Export', summary: 'deals.csv, accounts.csv or contacts.csv: what the caller may see, streamed' })

/**
 * `deals.csv`, `accounts.csv`, `contacts.csv`: what the caller may see, streamed page by page
 * (each page read in its own short transaction), never held whole in memory.
 */
export default defineEventHandler(async (event) => {
  const { file } = paramsValidated(event, ParamsSchema)
  const auth = await requireAuth(event)
  const kind = file.replace(/\.csv$/, '') as (typeof EXPORT_KINDS)[number]
  const db = await useDb()
  await withAccess(db, auth.access, tx => audit(tx, actorOf(event, auth), 'data.exported', { targetType: kind }))
  let after: string | null = null
  let done = false
  setResponseHeaders(event, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${file}"` })
  const encoder = new TextEncoder()
  return new ReadableStream<Uint8Array>({
    start: controller => controller.enqueue(encoder.encode(csvLine(EXPORTS[kind].header))),
    async pull(controller) {
      if (done) return controller.close()
      const rows = await withAccess(db, auth.access, tx => EXPORTS[kind].page(tx, auth.tenantId, after, PAGE))
      if (rows.length) controller.enqueue(encoder.encode(rows.map(r => csvLine(r.row)).join('')))
      after = rows.at(-1)?.id ?? after
      done = rows.length < PAGE
      if (done) controller.close()
    },
  })
})
