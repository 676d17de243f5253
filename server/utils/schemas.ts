import { z } from 'zod'
import { EVENT_TYPES, type EventType } from '../../db/schema'
import { decodeCursor } from '../domain/cursor'

export const EmailSchema = z.email('a valid email address').max(320).transform(s => s.toLowerCase())
export const PasswordSchema = z.string().min(10, 'at least 10 characters').max(200)
export const NameSchema = z.string().trim().min(1, 'required').max(200)
export const IdParamsSchema = z.object({ id: z.uuid('not a valid id') })
export const RoleSchema = z.enum(['rep', 'manager', 'admin'])

/** `?cursor=` as the API hands it out (a page's last time and id). */
export const CursorSchema = z.string().max(200).optional().transform((value, ctx) => {
  if (value === undefined) return undefined
  const cursor = decodeCursor(value)
  if (!cursor) ctx.addIssue({ code: 'custom', message: 'not a cursor this API returned' })
  return cursor ?? undefined
})

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
