import { z } from 'zod'
import { IsoDay } from '../core/dates'
import { GROUP_BY, isoDay, MEASURE_FIELDS, resolveRange, type MeasureField } from '../../../shared/utils/activityReport'

/** `GET /api/v1/reports/activity`: the range (default this week, Monday..today; at most 400 days), grouping, filters, format. */
export const ActivityQuerySchema = z.object({
  from: IsoDay().optional(),
  to: IsoDay().optional(),
  groupBy: z.enum(GROUP_BY).default('owner'),
  ownerId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  format: z.enum(['json', 'csv']).default('json'),
}).transform((q, ctx) => {
  const range = resolveRange(q, isoDay(new Date()))
  if ('field' in range) {
    ctx.addIssue({ code: 'custom', path: [range.field], message: range.message })
    return z.NEVER
  }
  return { ...q, ...range }
})

const Weekly = z.number().int('a whole number').min(0).max(100_000).nullable()

/** `PUT /api/v1/reports/activity/targets`: weekly targets per measure for a rep or as a team's default (null removes one). */
export const TargetsBodySchema = z.object({
  ownerId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  targets: z
    .object(Object.fromEntries(MEASURE_FIELDS.map(f => [f, Weekly.optional()])) as Record<MeasureField, z.ZodOptional<typeof Weekly>>)
    .strict()
    .refine(t => Object.keys(t).length > 0, 'set at least one target'),
}).strict()
  .refine(b => Boolean(b.ownerId) !== Boolean(b.teamId), {
    path: ['ownerId'],
    message: 'name a rep (ownerId) or a team (teamId), one of them',
  })
