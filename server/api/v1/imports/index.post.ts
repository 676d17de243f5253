import { consola } from 'consola'
import { z } from 'zod'
import { withTenant } from '../../../domain/core/db'
import { createImport } from '../../../domain/imports/imports'
import { ImportOptionsSchema } from '../../../domain/imports/parse'
import { readHeader, runImport } from '../../../domain/imports/run'
import { badRequest } from '../../../domain/core/errors'

/** The largest CSV an import takes (a 100,000-row file is ~15 MB). */
const MAX_IMPORT_BYTES = 200 * 1024 * 1024

/** The form fields beside the file, as multipart sends them (JSON in `mapping` and `stageMap`). */
export const BodySchema = z.object({
  kind: ImportOptionsSchema.shape.kind,
  mapping: z.string().describe('JSON object: target field -> CSV column'),
  stageMap: z.string().optional().describe('JSON object: the file\'s stage -> stage key'),
  dateFormat: ImportOptionsSchema.shape.dateFormat,
  file: z.string().describe('the CSV file'),
})

function json(fields: Record<string, string>, name: string) {
  if (fields[name] === undefined) return undefined
  try {
    return JSON.parse(fields[name])
  }
  catch {
    throw badRequest(name, 'not valid JSON')
  }
}

export const meta = defineRoute({
  tag: 'Import',
  summary: 'Start a CSV import of deals, accounts, contacts or events (admin); 202 { id }',
  body: BodySchema,
  bodyType: 'multipart/form-data',
  status: 202,
  maxBytes: 201 * MB,
  streamed: true,
  bodyTypes: ['multipart/form-data'],
})

/**
 * Starts a CSV import (admins): the file streams to disk, the mapping is checked against its
 * header row (400, nothing written), then the import runs in the background: 202 `{ id }`,
 * progress at GET /api/v1/imports/:id.
 */
export default defineEventHandler(async (event) => {
  const auth = await requireRole(event, 'admin')
  const upload = await receiveUpload(event, { field: 'file', maxBytes: MAX_IMPORT_BYTES })
  const db = await useDb()
  let job
  try {
    const { fields } = upload
    const options = parseWith(ImportOptionsSchema, {
      kind: fields.kind,
      mapping: json(fields, 'mapping'),
      stageMap: json(fields, 'stageMap'),
      dateFormat: fields.dateFormat || undefined,
    })
    const header = await readHeader(upload.path)
    const row = await withTenant(db, auth.tenantId, tx => createImport(tx, actorOf(event, auth), options, header, upload.fileName))
    await upload.claim(row.id)
    const { limits } = await tenantCapabilities(auth.tenantId)
    job = {
      id: row.id,
      tenantId: auth.tenantId,
      userId: auth.userId,
      kind: options.kind,
      options,
      path: upload.path,
      openDealLimit: limits.openDeals,
    }
  }
  catch (error) {
    await upload.discard()
    throw error
  }
  runImport(db, job)
    .catch(error => consola.warn(`[import ${job.id}] failed: ${(error as Error).message}`))
    .finally(() => upload.discard())
  setResponseStatus(event, 202)
  return { id: job.id }
})
