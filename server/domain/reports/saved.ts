import { and, asc, eq, or, sql } from 'drizzle-orm'
import type { z } from 'zod'
import { savedReports, users } from '../../../db/schema'
import type { ReportDefinition, ReportRecordType } from '../../../shared/utils/reports'
import type { Tx } from '../core/db'
import { DomainError, notFound } from '../core/errors'
import type { Viewer } from '../records/views'
import type { SavedReportPatchSchema, SavedReportSchema } from './definition'
import { assertRunnable } from './run'

/**
 * Saved reports, with saved views' visibility: the caller's own, and the shared ones of their
 * team (admins: every shared one). Only the owner or an admin changes or deletes one.
 */

const columns = {
  id: savedReports.id,
  name: savedReports.name,
  recordType: savedReports.recordType,
  definition: savedReports.definition,
  chart: savedReports.chart,
  shared: savedReports.shared,
  ownerId: savedReports.ownerId,
  ownerName: users.name,
  createdAt: savedReports.createdAt,
  updatedAt: savedReports.updatedAt,
}

type Row = { [K in keyof typeof columns]: (typeof columns)[K]['_']['data'] } & { ownerName: string | null }

/** A stored row as the API answers it: the definition flattened beside name, chart and sharing. */
function answer(row: Omit<Row, 'ownerName'> & { ownerName?: string | null }, viewer: Viewer) {
  const { definition, ...rest } = row
  return {
    ...rest,
    recordType: row.recordType as ReportRecordType,
    measures: definition.measures,
    groupBy: definition.groupBy,
    filters: definition.filters,
    ...(definition.limit ? { limit: definition.limit } : {}),
    ownerName: row.ownerName ?? null,
    mine: row.ownerId === viewer.userId,
  }
}

/** A saved report's definition, as `runReport` takes it. */
export const definitionOf = (report: { recordType: string, definition: Row['definition'] }): ReportDefinition =>
  ({ recordType: report.recordType as ReportRecordType, ...report.definition } as ReportDefinition)

function visibleTo(viewer: Viewer) {
  const sharedOnes = viewer.admin
    ? eq(savedReports.shared, true)
    : viewer.teamId ? and(eq(savedReports.shared, true), eq(users.teamId, viewer.teamId)) : undefined
  return sharedOnes ? or(eq(savedReports.ownerId, viewer.userId), sharedOnes) : eq(savedReports.ownerId, viewer.userId)
}

const joined = (tx: Tx) => tx.select(columns).from(savedReports)
  .innerJoin(users, and(eq(users.tenantId, savedReports.tenantId), eq(users.id, savedReports.ownerId)))

export async function listReports(tx: Tx, viewer: Viewer) {
  const rows = await joined(tx)
    .where(and(eq(savedReports.tenantId, viewer.tenantId), visibleTo(viewer)))
    .orderBy(asc(savedReports.name), asc(savedReports.id))
  return { data: rows.map(row => answer(row, viewer)) }
}

/** A report the viewer may open, or 404. */
export async function getReport(tx: Tx, viewer: Viewer, id: string) {
  const [row] = await joined(tx).where(and(eq(savedReports.tenantId, viewer.tenantId), eq(savedReports.id, id), visibleTo(viewer)))
  if (!row) throw notFound('report')
  return answer(row, viewer)
}

const split = ({ recordType, measures, groupBy, filters, limit }: ReportDefinition) =>
  ({ recordType, definition: { measures, groupBy, filters, ...(limit ? { limit } : {}) } })

export async function createReport(tx: Tx, viewer: Viewer, input: z.output<typeof SavedReportSchema>) {
  const { name, chart, shared, ...def } = input
  await assertRunnable(tx, viewer.tenantId, def)
  const [row] = await tx.insert(savedReports)
    .values({ tenantId: viewer.tenantId, ownerId: viewer.userId, name, chart, shared, ...split(def) }).returning()
  return answer(row!, viewer)
}

/** The report, locked, if the viewer may change it: 404 when they cannot see it, 403 when it is another's and they are no admin. */
async function changeable(tx: Tx, viewer: Viewer, id: string) {
  const [row] = await joined(tx)
    .where(and(eq(savedReports.tenantId, viewer.tenantId), eq(savedReports.id, id), visibleTo(viewer)))
    .for('update', { of: savedReports })
  if (!row) throw notFound('report')
  if (row.ownerId !== viewer.userId && !viewer.admin) {
    throw new DomainError(403, 'only the person who saved a report, or an admin, may change or delete it')
  }
  return row
}

export async function updateReport(tx: Tx, viewer: Viewer, id: string, patch: z.output<typeof SavedReportPatchSchema>) {
  const current = await changeable(tx, viewer, id)
  const { name, chart, shared, limit, ...rest } = patch
  const def: ReportDefinition = {
    ...definitionOf(current),
    ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
  }
  if (limit !== undefined) def.limit = limit ?? undefined
  await assertRunnable(tx, viewer.tenantId, def)
  const [row] = await tx.update(savedReports)
    .set({
      ...split(def),
      ...(name !== undefined ? { name } : {}),
      ...(chart !== undefined ? { chart } : {}),
      ...(shared !== undefined ? { shared } : {}),
      updatedAt: sql`now()`,
    })
    .where(and(eq(savedReports.tenantId, viewer.tenantId), eq(savedReports.id, id))).returning()
  return answer({ ...row!, ownerName: current.ownerName }, viewer)
}

export async function deleteReport(tx: Tx, viewer: Viewer, id: string) {
  await changeable(tx, viewer, id)
  await tx.delete(savedReports).where(and(eq(savedReports.tenantId, viewer.tenantId), eq(savedReports.id, id)))
}
