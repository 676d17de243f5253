import { z } from 'zod'
import { EVENT_TYPES, type EventType } from '../../db/schema'
import { decodeSortKey, type KeysetSort } from '../domain/core/paging'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from '../domain/tenancy/passwordPolicy'

export const EmailSchema = z.email('a valid email address').max(320).transform(s => s.toLowerCase())
/** A password someone chooses (sign-up, invitation): long enough and not easily guessed (tenancy/passwordPolicy.ts). */
export const PasswordSchema = z.string().min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`).max(PASSWORD_MAX_LENGTH)
  .superRefine((password, ctx) => {
    // The length has its own issue above: one issue per password.
    if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) return
    const problem = passwordProblem(password)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })
export const NameSchema = z.string().trim().min(1, 'required').max(200)
export const IdParamsSchema = z.object({ id: z.uuid('not a valid id') })
export const RoleSchema = z.enum(['rep', 'manager', 'admin'])

/** The ISO 4217 currencies this runtime knows (Intl's list: `USD`, `EUR`, `JPY` …). */
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'))
/** A currency by its ISO 4217 code, any case (`eur` is `EUR`); an unknown code is a 400 naming the field. */
export const CurrencyCodeSchema = z.string().trim().toUpperCase()
  .refine(code => /^[A-Z]{3}$/.test(code) && CURRENCIES.has(code), 'an ISO 4217 currency code such as USD, EUR or GBP')

/** The tenant's settings an admin changes (PATCH /api/v1/tenant). */
export const TenantSettingsSchema = z.object({ currency: CurrencyCodeSchema }).strict()

/** `?cursor=` of a list in a keyset sort, as the API hands it out (core/paging.ts): the decoded key, else 400 naming it. */
export const KeyCursorSchema = (sort: Pick<KeysetSort, 'type' | 'idType'>) => z.string().max(200).optional().transform((value, ctx) => {
  if (value === undefined) return undefined
  const cursor = decodeSortKey(sort, value)
  if (!cursor) ctx.addIssue({ code: 'custom', message: 'not a cursor this API returned' })
  return cursor ?? undefined
})

/** `?cursor=` of a list newest first (events, timelines, notifications): a page's last time and id. */
export const CursorSchema = KeyCursorSchema({ type: 'timestamptz' })

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: CursorSchema,
})

/** A timeline's page, optionally only some event types: `?types=note,call`. */
export const TimelineQuerySchema = PageQuerySchema.extend({
  types: z.string().max(500).optional().transform((value, ctx) => {
    if (!value) return undefined
    const types = value.split(',').map(t => t.trim()).filter(Boolean)
    const unknown = types.filter(t => !(EVENT_TYPES as readonly string[]).includes(t))
    if (unknown.length) ctx.addIssue({ code: 'custom', message: `not event types: ${unknown.join(', ')}` })
    return types as EventType[]
  }),
})
