import { z } from 'zod'
import { MOMENTUM_STATES } from '../../../../db/schema'
import { dealCursorOfSort, listDeals } from '../../../domain/deals/queries'
import { DEAL_SORTS } from '../../../domain/deals/schemas'
import { storable } from '../../../domain/security/body'

const Day = z.iso.date('a date as YYYY-MM-DD')

export const QuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(300).optional(),
    sort: z.enum(DEAL_SORTS).default('createdAt'),
    /** Default: newest and largest first, soonest close date and names A to Z. */
    dir: z.enum(['asc', 'desc']).optional(),
    stage: z.string().max(64).optional(),
    ownerId: z.uuid().optional(),
    teamId: z.uuid().optional(),
    /** Comma-separated; a deal must hold all of them. */
    tags: z
      .string()
      .max(1100)
      .refine(storable, 'not text a tag can hold')
      .optional()
      .transform(v =>
        v === undefined
          ? undefined
          : [
              ...new Set(
                v
                  .split(',')
                  .map(t => t.trim())
                  .filter(Boolean),
              ),
            ],
      )
      .refine(v => v === undefined || v.length <= 20, 'at most 20 tags')
      .refine(v => v === undefined || v.every(t => t.length <= 50), 'a tag has at most 50 characters'),
    state: z.enum(MOMENTUM_STATES).optional(),
    closeFrom: Day.optional(),
    closeTo: Day.optional(),
  })
  .superRefine(dealCursorOfSort)

export const meta = defineRoute({
  tag: 'Deals',
  query: QuerySchema,
  summary:
    'List deals (filters, sorts, cursor); `tags=a,b` keeps deals holding all of those tags (exact spelling), '
    + '`closeFrom`/`closeTo` bound the close date, `state` the momentum state',
})

/** The deals the caller may see (their own, their team's, or the tenant's), filtered and sorted. */
export default defineEventHandler(async (event) => {
  const query = queryValidated(event, QuerySchema)
  return scoped(event, (tx, auth) => listDeals(tx, auth.tenantId, query))
})
