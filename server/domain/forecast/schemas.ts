import { z } from 'zod'
import { ANALYTICS_GROUPS, defaultRange } from './analytics'
import { parsePeriod, periodOf, PERIOD_PATTERN, PERIOD_RANGE } from '../../../shared/utils/periods'
import { IsoDay } from '../core/dates'

const Period = z
  .string()
  .regex(PERIOD_PATTERN, 'a month (2026-11) or a quarter (2026-Q4)')
  .refine(p => parsePeriod(p) !== null, PERIOD_RANGE)
  .transform(p => parsePeriod(p)!)
const Day = IsoDay()
const Amount = z.number().min(0).max(1e12)
const Format = z.enum(['json', 'csv']).default('json')

export const ForecastQuerySchema = z.object({
  period: Period.default(() => periodOf(new Date(), 'quarter')),
  groupBy: z.enum(['owner', 'team']).default('owner'),
  format: Format,
})

export const HistoryQuerySchema = z.object({
  period: Period.default(() => periodOf(new Date(), 'quarter')),
  format: Format,
})

export const AdjustmentSchema = z.object({
  period: Period,
  ownerId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  amount: Amount,
  note: z.string().trim().min(1, 'say why').max(1000),
}).strict().refine(a => !(a.ownerId && a.teamId), { path: ['teamId'], message: 'adjust a rep or a team, not both' })

export const QuotasSchema = z.object({
  period: Period,
  quotas: z.array(z.object({ ownerId: z.uuid(), amount: Amount }).strict()).min(1).max(500),
}).strict()

export const AnalyticsQuerySchema = z.object({
  from: Day.optional(),
  to: Day.optional(),
  groupBy: z.enum(ANALYTICS_GROUPS).default('none'),
  format: Format,
}).transform(q => ({ ...q, ...defaultRange(new Date(), q) }))
  .refine(q => q.from <= q.to, { path: ['from'], message: 'must be on or before to' })
