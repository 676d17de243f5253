import { z } from 'zod'
import { FORECAST_CATEGORIES, STAGE_KINDS } from '../../../db/schema'
import { CustomValuesSchema } from '../records/customFields'
import { IsoDay } from '../core/dates'

const Money = z
  .union([z.number().min(0).max(1e12), z.string().regex(/^\d{1,12}(\.\d{1,2})?$/, 'a decimal amount such as 1250.50')], {
    error: 'an amount of 0 or more, such as 1250.50',
  })
  .transform(v => String(v))
const Currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD')
const Day = IsoDay()
const Name = z.string().trim().min(1, 'required').max(300)

/** Drops repeated tags, ignoring case (the first spelling stays), keeping the order. Pure. */
export function dedupeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>()
  return tags.filter((tag) => {
    const key = tag.toLowerCase()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

export const MAX_TAGS = 20
const Tag = z.string().trim().min(1, 'a tag cannot be empty').max(50, 'a tag has at most 50 characters')
/** A deal's labels: trimmed, 1-50 characters each, at most 20, repeats (ignoring case) dropped. */
export const TagsSchema = z.array(Tag).max(100, `at most ${MAX_TAGS} tags`).transform(dedupeTags)
  .refine(tags => tags.length <= MAX_TAGS, `at most ${MAX_TAGS} tags`)

export const DealCreateSchema = z.object({
  name: Name,
  amount: Money,
  currency: Currency.default('USD'),
  closeDate: Day.nullish(),
  accountId: z.uuid().nullish(),
  ownerId: z.uuid().optional(),
  stage: z.string().max(64).optional(),
  contactIds: z.array(z.uuid()).max(50).optional(),
  source: z.string().trim().min(1).max(64).optional(),
  product: z.string().trim().min(1).max(200).nullish(),
  /** Overrides of the stage's probability and forecast category; null or absent: the stage's. */
  probability: z.number().int().min(0).max(100).nullish(),
  forecastCategory: z.enum(FORECAST_CATEGORIES).nullish(),
  custom: CustomValuesSchema.optional(),
  tags: TagsSchema.optional(),
}).strict()

export const DealPatchSchema = z.object({
  name: Name.optional(),
  amount: Money.optional(),
  currency: Currency.optional(),
  closeDate: Day.nullable().optional(),
  accountId: z.uuid().nullable().optional(),
  ownerId: z.uuid().optional(),
  probability: z.number().int().min(0).max(100).nullable().optional(),
  forecastCategory: z.enum(FORECAST_CATEGORIES).nullable().optional(),
  product: z.string().trim().min(1).max(200).nullable().optional(),
  custom: CustomValuesSchema.optional(),
  tags: TagsSchema.optional(),
  stage: z.never({ error: 'change the stage with POST /api/v1/deals/:id/stage' }).optional(),
}).strict().refine(patch => Object.keys(patch).length > 0, 'nothing to change')

export const StageMoveSchema = z.object({
  to: z.string().min(1).max(64),
  reason: z.string().trim().max(500).optional(),
  closeDate: Day.optional(),
}).strict()

export const DEAL_SORTS = ['createdAt', 'amount', 'closeDate', 'name'] as const

export const StageSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lowercase letters, digits and _'),
  name: Name,
  order: z.number().int().min(0).max(1000),
  probability: z.number().int().min(0).max(100),
  forecastCategory: z.enum(FORECAST_CATEGORIES),
  kind: z.enum(STAGE_KINDS).optional(),
  allowedNext: z.array(z.string()).max(50),
}).strict()

export const PipelineSchema = z.object({ stages: z.array(StageSchema).min(2).max(30) }).strict()
