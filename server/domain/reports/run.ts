import { eq, sql } from 'drizzle-orm'
import { queryRows } from '../../../db/client'
import { tenants } from '../../../db/schema'
import { REPORT_CUSTOM_ENTITY, type ReportDefinition, type ReportField, type ReportResult } from '../../../shared/utils/reports'
import { ownersOf, savepoint, type Access, type Tx } from '../core/db'
import { databaseFault, DomainError, invalidInput } from '../core/errors'
import { fieldDefinitions } from '../records/customFields'
import { catalogOf, checkDefinition } from './definition'
import { buildReport, shapeRows } from './sql'

/** How long one report may run before the database cancels it. */
export const REPORT_TIMEOUT_MS = 5000

/** A record type's fields for this tenant: the built-in ones and its custom fields. */
export async function reportFields(tx: Tx, tenantId: string, recordType: ReportDefinition['recordType']): Promise<ReportField[]> {
  const entity = REPORT_CUSTOM_ENTITY[recordType]
  return catalogOf(recordType, entity ? await fieldDefinitions(tx, tenantId, entity) : [])
}

/** 400 naming each wrong field unless the definition may run on this tenant's fields. */
export async function assertRunnable(tx: Tx, tenantId: string, def: ReportDefinition): Promise<ReportField[]> {
  const fields = await reportFields(tx, tenantId, def.recordType)
  const issues = checkDefinition(def, fields)
  if (issues.length) throw invalidInput(issues)
  return fields
}

export const reportTimeout = (ms: number) =>
  new DomainError(422, `the report took longer than ${ms / 1000} s and was stopped: `
    + 'narrow it with filters, a shorter date range or fewer groups', {
    error: 'report_timeout',
  })

/**
 * Runs a report definition as the caller may see it: `tx` is the caller's transaction (row-level
 * security filters every row), the statement is parameterized (sql.ts), cancelled past the
 * timeout (422 `report_timeout`, never a 500) and at most `limit` groups come back (`truncated`
 * says when there were more). In a savepoint, so a dashboard may run several in one transaction.
 */
export async function runReport(
  tx: Tx,
  access: Access,
  def: ReportDefinition,
  options: { timeoutMs?: number } = {},
): Promise<ReportResult> {
  const fields = await assertRunnable(tx, access.tenantId, def)
  const built = buildReport(def, fields, { tenantId: access.tenantId, owners: ownersOf(access) })
  const [tenant] = await tx.select({ currency: tenants.currency }).from(tenants).where(eq(tenants.id, access.tenantId))
  const timeoutMs = options.timeoutMs ?? REPORT_TIMEOUT_MS
  let rows: Record<string, unknown>[]
  try {
    rows = await savepoint(tx, async (sp) => {
      const [previous] = await queryRows<{ timeout: string }>(sp, sql`select current_setting('statement_timeout') as timeout`)
      await sp.execute(sql`select set_config('statement_timeout', ${String(timeoutMs)}, true)`)
      const found = await queryRows<Record<string, unknown>>(sp, built.query)
      await sp.execute(sql`select set_config('statement_timeout', ${previous?.timeout ?? '0'}, true)`)
      return found
    })
  }
  catch (error) {
    const code = databaseFault(error)?.code
    if (code === '57014') throw reportTimeout(timeoutMs)
    // A data exception (a stored custom value that does not read as its type, an overflow): say so, not a 500.
    if (code?.startsWith('22')) {
      throw new DomainError(422, 'the report could not be computed from the stored values (a value out of range or of another type)', {
        error: 'report_value',
      })
    }
    throw error
  }
  return {
    columns: built.columns,
    rows: shapeRows(built, rows),
    truncated: rows.length > built.limit,
    currency: tenant?.currency ?? 'USD',
  }
}
