import { and, desc, eq } from 'drizzle-orm'
import { imports } from '../../../db/schema'
import type { Tx } from '../core/db'
import type { Actor } from '../deals/records'
import { badRequest, invalidInput, notFound } from '../core/errors'
import { fieldDefinitions } from '../records/customFields'
import { audit } from '../tenancy/audit'
import { checkMapping, type ImportOptions } from './parse'
import { importView } from './run'

/**
 * Records a new import after checking its mapping against the file's header row and the
 * tenant's custom fields: 400 naming each wrong option, nothing written.
 */
export async function createImport(
  tx: Tx,
  actor: Actor & { userId: string, ip?: string | null },
  options: ImportOptions,
  header: readonly string[],
  fileName: string,
) {
  if (!header.length) throw badRequest('file', 'the file is empty: it needs a header row')
  const custom = options.kind === 'events' ? [] : await fieldDefinitions(tx, actor.tenantId, options.kind.slice(0, -1) as 'deal')
  const issues = checkMapping(
    options,
    header,
    custom.map(f => f.key),
  )
  if (issues.length) throw invalidInput(issues)
  const [row] = await tx
    .insert(imports)
    .values({
      tenantId: actor.tenantId,
      kind: options.kind,
      fileName,
      createdById: actor.userId,
      options: { mapping: options.mapping, stageMap: options.stageMap, dateFormat: options.dateFormat },
    })
    .returning()
  await audit(tx, actor, 'data.imported', { targetType: 'import', targetId: row!.id, metadata: { kind: options.kind, fileName } })
  return row!
}

export async function getImport(tx: Tx, tenantId: string, id: string) {
  const [row] = await tx.select().from(imports).where(and(eq(imports.tenantId, tenantId), eq(imports.id, id)))
  if (!row) throw notFound('import')
  return importView(row)
}

/** The tenant's latest imports, newest first. */
export async function listImports(tx: Tx, tenantId: string, limit = 20) {
  const rows = await tx.select().from(imports).where(eq(imports.tenantId, tenantId)).orderBy(desc(imports.createdAt)).limit(limit)
  return rows.map(r => importView(r))
}
