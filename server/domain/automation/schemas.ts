import { z } from 'zod'
import { EVENT_TYPES, FORECAST_CATEGORIES, MOMENTUM_STATES, TASK_PRIORITIES } from '../../../db/schema'

/** When a rule fires. Event triggers run as events are written; the others from the hourly automation run. */
export const TriggerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('stage_entered'), stage: z.string().trim().min(1, 'name the stage').max(64) }).strict(),
  z.object({ kind: z.literal('momentum_changed'), to: z.enum(MOMENTUM_STATES).optional() }).strict(),
  z.object({ kind: z.literal('no_activity'), days: z.number().int().min(1).max(365) }).strict(),
  z.object({ kind: z.literal('lead_created') }).strict(),
  z.object({ kind: z.literal('task_overdue') }).strict(),
  z.object({ kind: z.literal('event'), type: z.enum(['*', ...EVENT_TYPES]) }).strict(),
])
export type Trigger = z.output<typeof TriggerSchema>
export const EVENT_TRIGGERS = ['stage_entered', 'event'] as const

export const OPERATORS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'contains'] as const
export type Operator = (typeof OPERATORS)[number]

/** The fields conditions read: the deal's (or lead's) own, its momentum, and custom fields as `custom.<key>`. */
export const CONDITION_FIELDS = [
  'amount',
  'stage',
  'ownerId',
  'source',
  'product',
  'currency',
  'probability',
  'tags',
  'state',
  'score',
  'event.type',
  'event.source',
] as const
const Field = z
  .string()
  .refine(
    f => (CONDITION_FIELDS as readonly string[]).includes(f) || /^custom\.[a-z][a-z0-9_]{0,39}$/.test(f),
    `one of ${CONDITION_FIELDS.join(', ')} or custom.<key>`,
  )
const Scalar = z.union([z.string().max(500), z.number(), z.boolean()])

export const ConditionSchema = z
  .object({
    field: Field,
    op: z.enum(OPERATORS),
    value: z.union([Scalar, z.array(Scalar).max(100)]),
  })
  .strict()
  .refine(c => c.op !== 'in' || Array.isArray(c.value), { path: ['value'], message: '"in" needs a list of values' })
  .refine(c => c.op === 'in' || !Array.isArray(c.value), { path: ['value'], message: 'a single value (only "in" takes a list)' })
  .refine(c => !['gt', 'gte', 'lt', 'lte'].includes(c.op) || typeof c.value === 'number', {
    path: ['value'],
    message: 'a number to compare with',
  })
export type Condition = z.output<typeof ConditionSchema>

const Recipient = z.enum(['owner', 'manager', 'admins'])
const SETTABLE = ['probability', 'forecastCategory', 'closeDate', 'product'] as const

export const ActionSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('create_task'),
      title: z.string().trim().min(1, 'required').max(300),
      dueInDays: z.number().int().min(0).max(365),
      assignTo: z.enum(['owner', 'manager']).default('owner'),
      priority: z.enum(TASK_PRIORITIES).default('normal'),
    })
    .strict(),
  z.object({ kind: z.literal('notify'), to: Recipient, message: z.string().trim().min(1, 'required').max(500) }).strict(),
  z.object({ kind: z.literal('assign_owner'), userId: z.uuid() }).strict(),
  z
    .object({
      kind: z.literal('set_field'),
      field: z
        .string()
        .refine(
          f => (SETTABLE as readonly string[]).includes(f) || /^custom\.[a-z][a-z0-9_]{0,39}$/.test(f),
          `one of ${SETTABLE.join(', ')} or custom.<key>`,
        ),
      value: z.union([Scalar, z.null()]),
    })
    .strict()
    .refine(a => a.field !== 'forecastCategory' || a.value === null || (FORECAST_CATEGORIES as readonly unknown[]).includes(a.value), {
      path: ['value'],
      message: `one of ${FORECAST_CATEGORIES.join(', ')}`,
    }),
  z.object({ kind: z.literal('add_tag'), tag: z.string().trim().min(1, 'required').max(50) }).strict(),
  z.object({ kind: z.literal('enrol_in_sequence'), sequenceId: z.uuid() }).strict(),
  z.object({ kind: z.literal('call_webhook'), webhookId: z.uuid() }).strict(),
])
export type Action = z.output<typeof ActionSchema>

export const RuleSchema = z.object({
  name: z.string().trim().min(1, 'required').max(200),
  trigger: TriggerSchema,
  conditions: z.array(ConditionSchema).max(20).default([]),
  actions: z.array(ActionSchema).min(1, 'at least one action').max(10),
  active: z.boolean().default(true),
}).strict()
export type RuleInput = z.output<typeof RuleSchema>

export const RulePatchSchema = z.object({
  name: RuleSchema.shape.name.optional(),
  trigger: TriggerSchema.optional(),
  conditions: z.array(ConditionSchema).max(20).optional(),
  actions: z.array(ActionSchema).min(1, 'at least one action').max(10).optional(),
  active: z.boolean().optional(),
}).strict()
