import { z } from 'zod'

/** The merge fields a sequence email may use. */
export const MERGE_FIELDS = [
  'contact.firstName',
  'contact.lastName',
  'contact.email',
  'contact.title',
  'account.name',
  'deal.name',
  'sender.name',
  'sender.email',
] as const
export type MergeValues = Partial<Record<(typeof MERGE_FIELDS)[number], string | null>>

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g

/** The placeholders in a template that are not merge fields. Pure. */
export const unknownMergeFields = (template: string) =>
  [...new Set([...template.matchAll(PLACEHOLDER)].map(m => m[1]!).filter(f => !(MERGE_FIELDS as readonly string[]).includes(f)))]

/** Fills a template's `{{contact.firstName}}`-style merge fields; a field without a value becomes empty. Pure. */
export const renderTemplate = (template: string, values: MergeValues) =>
  template.replace(PLACEHOLDER, (_, field: string) => values[field as keyof MergeValues] ?? '')

const Template = (max: number) => z.string().trim().min(1, 'required').max(max).superRefine((text, ctx) => {
  const unknown = unknownMergeFields(text)
  if (unknown.length)
    ctx.addIssue({
      code: 'custom',
      message: `unknown merge field ${unknown.map(f => `{{${f}}}`).join(', ')}; use ${MERGE_FIELDS.map(f => `{{${f}}}`).join(', ')}`,
    })
})

export const SequenceStepSchema = z.object({
  subject: Template(300),
  body: Template(20_000),
  /** Business days to wait after the previous step (the first step: after enrolment). */
  waitDays: z.number().int().min(0).max(90),
}).strict()

export const SequenceCreateSchema = z.object({
  name: z.string().trim().min(1, 'required').max(200),
  steps: z.array(SequenceStepSchema).min(1, 'at least one step').max(10),
}).strict()

export const EnrolSchema = z.object({
  contactIds: z.array(z.uuid()).min(1, 'at least one contact').max(500),
  dealId: z.uuid().optional(),
}).strict()

/** The most emails one sender's sequences send per UTC day (SEQUENCE_DAILY_LIMIT, default 200). */
export const dailySendLimit = (env: NodeJS.ProcessEnv = process.env) => {
  const n = Number(env.SEQUENCE_DAILY_LIMIT)
  return Number.isInteger(n) && n > 0 ? n : 200
}
