import { z } from 'zod'
import { EVENT_TYPES, type EventType } from '../../../db/schema'
import { IsoDateTime } from '../core/dates'

export const MAX_BATCH = 5000

const uuid = z.uuid()
const email = z.email().max(320).transform(s => s.toLowerCase())

/** An event as sources send it (the ingestion API, integrations, imports). See docs/api.md, "Events". */
export const EventInputSchema = z
  .object({
    type: z.enum(EVENT_TYPES),
    occurredAt: IsoDateTime(),
    source: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9_.:-]+$/i, 'letters, digits and _ . : - only'),
    externalId: z.string().trim().min(1).max(255).optional(),
    actor: z.object({ userId: uuid.optional(), email: email.optional() }).strict().default({}),
    subject: z
      .object({
        dealId: uuid.optional(),
        contactId: uuid.optional(),
        accountId: uuid.optional(),
        email: email.optional(),
      })
      .strict()
      .refine(s => Boolean(s.dealId || s.contactId || s.accountId || s.email), 'subject must name a deal, contact, account or email'),
    metadata: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
export type EventInput = z.output<typeof EventInputSchema>

/** A fully resolved event, ready for the one writer (`writeEvents`). */
export interface NewEvent {
  id?: string
  type: EventType
  occurredAt: Date
  source: string
  externalId?: string | null
  actorUserId?: string | null
  actorEmail?: string | null
  dealId?: string | null
  contactId?: string | null
  accountId?: string | null
  metadata?: Record<string, unknown>
}
