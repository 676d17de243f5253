import { and, asc, eq, or, sql } from 'drizzle-orm'
import { z } from 'zod'
import { SAVED_VIEW_RECORD_TYPES, savedViews, users } from '../../../db/schema'
import type { Tx } from '../core/db'
import { DomainError, notFound } from '../core/errors'

const Key = z.string().trim().min(1).max(64)
const FilterValue = z.union([z.string().max(500), z.number(), z.boolean(), z.null(), z.array(z.string().max(100)).max(50)])

export const ViewSchema = z.object({
  name: z.string().trim().min(1, 'required').max(100),
  recordType: z.enum(SAVED_VIEW_RECORD_TYPES),
  /** The list's filters as the list's query names them (`{ stage: 'proposal', tags: ['q4'] }`). */
  filters: z.record(Key, FilterValue).refine(f => Object.keys(f).length <= 30, 'at most 30 filters').default({}),
  sort: z.object({ field: Key, direction: z.enum(['asc', 'desc']) }).strict().nullable().default(null),
  columns: z.array(Key).max(50).default([]),
  shared: z.boolean().default(false),
}).strict()

export const ViewPatchSchema = z.object({
  name: ViewSchema.shape.name.optional(),
  filters: z.record(Key, FilterValue).refine(f => Object.keys(f).length <= 30, 'at most 30 filters').optional(),
  sort: ViewSchema.shape.sort.unwrap().unwrap().nullable().optional(),
  columns: z.array(Key).max(50).optional(),
  shared: z.boolean().optional(),
}).strict().refine(p => Object.keys(p).length > 0, 'nothing to change')

export const ViewListQuerySchema = z.object({ recordType: z.enum(SAVED_VIEW_RECORD_TYPES).optional() })

/** Who asks: the person, their team, and whether they see the tenant (admins). */
export interface Viewer {
  tenantId: string
  userId: string
  teamId: string | null
  admin: boolean
}

const columns = {
  id: savedViews.id,
  name: savedViews.name,
  recordType: savedViews.recordType,
  filters: savedViews.filters,
  sort: savedViews.sort,
  columns: savedViews.columns,
  shared: savedViews.shared,
  ownerId: savedViews.ownerId,
  ownerName: users.name,
  createdAt: savedViews.createdAt,
  updatedAt: savedViews.updatedAt,
}

/** Views the viewer may use: their own, and the shared ones of their team (admins: every shared one). */
function visibleTo(viewer: Viewer) {
  const sharedOnes = viewer.admin
    ? eq(savedViews.shared, true)
    : viewer.teamId ? and(eq(savedViews.shared, true), eq(users.teamId, viewer.teamId)) : undefined
  return sharedOnes ? or(eq(savedViews.ownerId, viewer.userId), sharedOnes) : eq(savedViews.ownerId, viewer.userId)
}

export async function listViews(tx: Tx, viewer: Viewer, recordType?: string) {
  const rows = await tx
    .select({ ...columns, mine: sql<boolean>`${savedViews.ownerId} = ${viewer.userId}::uuid` })
    .from(savedViews)
    .innerJoin(users, and(eq(users.tenantId, savedViews.tenantId), eq(users.id, savedViews.ownerId)))
    .where(
      and(
        eq(savedViews.tenantId, viewer.tenantId),
        visibleTo(viewer),
        recordType ? eq(savedViews.recordType, recordType as (typeof SAVED_VIEW_RECORD_TYPES)[number]) : undefined,
      ),
    )
    .orderBy(asc(savedViews.name), asc(savedViews.id))
  return { data: rows }
}

export async function createView(tx: Tx, viewer: Viewer, input: z.output<typeof ViewSchema>) {
  const [view] = await tx.insert(savedViews).values({ tenantId: viewer.tenantId, ownerId: viewer.userId, ...input }).returning()
  return { ...view!, mine: true }
}

/** The viewer's own view, locked; 404 when they cannot see it, 403 when it is someone else's shared view. */
async function ownView(tx: Tx, viewer: Viewer, id: string) {
  const [view] = await tx.select({ id: savedViews.id, ownerId: savedViews.ownerId }).from(savedViews)
    .innerJoin(users, and(eq(users.tenantId, savedViews.tenantId), eq(users.id, savedViews.ownerId)))
    .where(and(eq(savedViews.tenantId, viewer.tenantId), eq(savedViews.id, id), visibleTo(viewer)))
  if (!view) throw notFound('view')
  if (view.ownerId !== viewer.userId) throw new DomainError(403, 'only the person who saved a view may change or delete it')
}

export async function updateView(tx: Tx, viewer: Viewer, id: string, patch: z.output<typeof ViewPatchSchema>) {
  await ownView(tx, viewer, id)
  const [view] = await tx.update(savedViews).set({ ...patch, updatedAt: new Date() })
    .where(and(eq(savedViews.tenantId, viewer.tenantId), eq(savedViews.id, id))).returning()
  return { ...view!, mine: true }
}

export async function deleteView(tx: Tx, viewer: Viewer, id: string) {
  await ownView(tx, viewer, id)
  await tx.delete(savedViews).where(and(eq(savedViews.tenantId, viewer.tenantId), eq(savedViews.id, id)))
}
