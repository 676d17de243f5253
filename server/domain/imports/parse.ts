import { z } from 'zod'
import { EVENT_TYPES, IMPORT_KINDS, type EventType } from '../../../db/schema'
import type { StageDefinition } from '../deals/stages'
import { applyCustomValues, type FieldDefinition } from '../records/customFields'
import { IMPORT_TARGETS } from '../../../shared/utils/imports'
import { YEAR_RANGE } from '../../../shared/utils/periods'
import { timeInRange } from '../core/dates'
import { DATE_FORMATS, parseAmount, parseDay, parseEmail, resolveStage } from './cells'

/**
 * Reading CSV rows into records: column mapping, stage mapping, dates, amounts. Everything here
 * is pure; the import runner (./run.ts) streams the file and the writers (./apply.ts) store rows.
 */

/** What a CSV column can be mapped to, per kind (shared with the import page). */
export { DATE_FORMATS, parseAmount, parseDay, resolveStage, type DateFormat } from './cells'

export const TARGETS = IMPORT_TARGETS

const column = z.string().trim().min(1).max(200)
export const ImportOptionsSchema = z.object({
  kind: z.enum(IMPORT_KINDS),
  mapping: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'a target field name'), column)
    .refine(m => Object.keys(m).length > 0, 'map at least one column'),
  stageMap: z.record(z.string().max(200), z.string().trim().min(1).max(64)).optional(),
  dateFormat: z.enum(DATE_FORMATS).optional(),
}).strict()
export type ImportOptions = z.output<typeof ImportOptionsSchema>

export interface Issue { path: string, message: string }

/**
 * Checks a mapping against the kind's targets, the tenant's custom fields and the file's header
 * row; answers every problem with the option path it concerns.
 */
export function checkMapping(options: ImportOptions, header: readonly string[], customKeys: readonly string[]): Issue[] {
  const issues: Issue[] = []
  const { fields, required } = TARGETS[options.kind]
  const columns = new Set(header)
  for (const [target, col] of Object.entries(options.mapping)) {
    if (!(fields as readonly string[]).includes(target) && !(options.kind !== 'events' && customKeys.includes(target))) {
      issues.push({
        path: `mapping.${target}`,
        message: `not a ${options.kind} field; one of ${[...fields, ...(options.kind !== 'events' ? customKeys : [])].join(', ')}`,
      })
    }
    else if (!columns.has(col)) {
      issues.push({ path: `mapping.${target}`, message: `the file has no column "${col}"` })
    }
  }
  for (const anyOf of required as readonly (readonly string[])[]) {
    if (!anyOf.some(t => t in options.mapping)) issues.push({ path: `mapping.${anyOf[0]}`, message: `required: map ${anyOf.join(' or ')}` })
  }
  if (options.stageMap && options.kind !== 'deals') issues.push({ path: 'stageMap', message: 'only deal imports map stages' })
  return issues
}

export interface ParseContext {
  options: ImportOptions
  stages: readonly StageDefinition[]
  customFields: readonly FieldDefinition[]
}

type Cells = Record<string, string | undefined>
export type Parsed<T> = { ok: true, value: T } | { ok: false, message: string }

const fail = (message: string): Parsed<never> => ({ ok: false, message })
const text = (cells: Cells, mapping: Record<string, string>, target: string, max = 500): string | null => {
  const col = mapping[target]
  const value = col === undefined ? undefined : cells[col]?.trim()
  return value ? value.slice(0, max) : null
}

/** Custom field cells, converted to the field's type and checked like API input. */
function customOf(cells: Cells, ctx: ParseContext): Parsed<Record<string, unknown>> {
  const given: Record<string, unknown> = {}
  for (const def of ctx.customFields) {
    const raw = text(cells, ctx.options.mapping, def.key, 2000)
    if (raw === null) continue
    if (def.type === 'number') {
      const n = parseAmount(raw)
      given[def.key] = n instanceof Error ? raw : n
    }
    else if (def.type === 'boolean') given[def.key] = /^(true|yes|1|y)$/i.test(raw) ? true : /^(false|no|0|n)$/i.test(raw) ? false : raw
    else if (def.type === 'date') {
      const day = parseDay(raw, ctx.options.dateFormat)
      given[def.key] = day instanceof Error ? raw : day
    }
    else if (def.type === 'select') given[def.key] = def.options.find(o => o.toLowerCase() === raw.toLowerCase()) ?? raw
    else given[def.key] = raw
  }
  const { custom, issues } = applyCustomValues(ctx.customFields, {}, given)
  if (issues.length) return fail(issues.map(i => `${i.path} ${i.message}`).join('; '))
  return { ok: true, value: custom }
}

interface Owned { ownerEmail: string | null, ownerName: string | null }

function ownerOf(cells: Cells, mapping: Record<string, string>): Parsed<Owned> {
  const ownerEmail = parseEmail(text(cells, mapping, 'ownerEmail') ?? undefined)
  if (ownerEmail instanceof Error) return fail(`ownerEmail: ${ownerEmail.message}`)
  return { ok: true, value: { ownerEmail, ownerName: text(cells, mapping, 'ownerName', 200) } }
}

/** A row's owner and custom fields (ownerOf, customOf), or the first of their failures. */
function ownedCustomOf(cells: Cells, ctx: ParseContext): Parsed<{ custom: Record<string, unknown> } & Owned> {
  const owner = ownerOf(cells, ctx.options.mapping)
  if (!owner.ok) return owner
  const custom = customOf(cells, ctx)
  if (!custom.ok) return custom
  return { ok: true, value: { custom: custom.value, ...owner.value } }
}

export interface DealRow extends Owned {
  externalId: string
  name: string
  amount: number
  currency: string
  stage: StageDefinition
  closeDate: string | null
  createdAt: string | null
  /** When the deal entered its current stage (else its creation, or its close for a closed deal). */
  stageEnteredAt: string | null
  accountName: string | null
  contactEmail: string | null
  source: string
  product: string | null
  custom: Record<string, unknown>
}

export function parseDealRow(cells: Cells, ctx: ParseContext): Parsed<DealRow> {
  const { mapping, stageMap, dateFormat } = ctx.options
  const externalId = text(cells, mapping, 'externalId', 255)
  if (!externalId) return fail('externalId is empty')
  const stage = resolveStage(text(cells, mapping, 'stage') ?? '', ctx.stages, stageMap)
  if (stage instanceof Error) return fail(stage.message)
  const amount = parseAmount(text(cells, mapping, 'amount') ?? '')
  if (amount instanceof Error) return fail(`amount: ${amount.message}`)
  if (amount !== null && amount < 0) return fail('amount: must not be negative')
  const currency = (text(cells, mapping, 'currency') ?? 'USD').toUpperCase()
  if (!/^[A-Z]{3}$/.test(currency)) return fail(`currency: "${currency}" is not a three-letter code`)
  const closeDate = parseDay(text(cells, mapping, 'closeDate') ?? '', dateFormat)
  if (closeDate instanceof Error) return fail(`closeDate: ${closeDate.message}`)
  const createdAt = parseDay(text(cells, mapping, 'createdAt') ?? '', dateFormat)
  if (createdAt instanceof Error) return fail(`createdAt: ${createdAt.message}`)
  const stageEnteredAt = parseDay(text(cells, mapping, 'stageEnteredAt') ?? '', dateFormat)
  if (stageEnteredAt instanceof Error) return fail(`stageEnteredAt: ${stageEnteredAt.message}`)
  const contactEmail = parseEmail(text(cells, mapping, 'contactEmail') ?? undefined)
  if (contactEmail instanceof Error) return fail(`contactEmail: ${contactEmail.message}`)
  const owned = ownedCustomOf(cells, ctx)
  if (!owned.ok) return owned
  const accountName = text(cells, mapping, 'accountName', 200)
  const product = text(cells, mapping, 'product', 200)
  const source = (text(cells, mapping, 'source', 64) ?? 'import').toLowerCase()
  const name = text(cells, mapping, 'name', 200) ?? ([accountName, product].filter(Boolean).join(' — ') || `Deal ${externalId}`)
  return {
    ok: true,
    value: {
      externalId,
      name,
      amount: amount ?? 0,
      currency,
      stage,
      closeDate,
      createdAt,
      stageEnteredAt,
      accountName,
      contactEmail,
      source,
      product,
      ...owned.value,
    },
  }
}

export interface AccountRow extends Owned {
  externalId: string | null
  name: string
  domain: string | null
  industry: string | null
  custom: Record<string, unknown>
}

export function parseAccountRow(cells: Cells, ctx: ParseContext): Parsed<AccountRow> {
  const { mapping } = ctx.options
  const name = text(cells, mapping, 'name', 200)
  if (!name) return fail('name is empty')
  const owned = ownedCustomOf(cells, ctx)
  if (!owned.ok) return owned
  return {
    ok: true,
    value: {
      externalId: text(cells, mapping, 'externalId', 255), name, ...owned.value,
      domain: text(cells, mapping, 'domain', 255)?.toLowerCase() ?? null, industry: text(cells, mapping, 'industry', 100),
    },
  }
}

export interface ContactRow extends Owned {
  externalId: string | null
  firstName: string
  lastName: string
  email: string | null
  phone: string | null
  title: string | null
  accountName: string | null
  custom: Record<string, unknown>
}

export function parseContactRow(cells: Cells, ctx: ParseContext): Parsed<ContactRow> {
  const { mapping } = ctx.options
  const rawEmail = text(cells, mapping, 'email')
  const email = parseEmail(rawEmail ?? undefined)
  if (email instanceof Error) return fail(`email: ${email.message}`)
  const externalId = text(cells, mapping, 'externalId', 255)
  if (!externalId && !email) return fail('a contact needs an email or an externalId')
  const firstName = text(cells, mapping, 'firstName', 100) ?? rawEmail?.split('@')[0]
  if (!firstName) return fail('firstName is empty')
  const owned = ownedCustomOf(cells, ctx)
  if (!owned.ok) return owned
  return {
    ok: true,
    value: {
      externalId,
      firstName,
      email,
      lastName: text(cells, mapping, 'lastName', 100) ?? '',
      phone: text(cells, mapping, 'phone', 50),
      title: text(cells, mapping, 'title', 200),
      accountName: text(cells, mapping, 'accountName', 200),
      ...owned.value,
    },
  }
}

export interface EventRowInput {
  externalId: string
  type: EventType
  occurredAt: Date
  dealExternalId: string | null
  contactEmail: string | null
  accountName: string | null
  actorEmail: string | null
  metadata: Record<string, unknown>
}

export function parseEventRow(cells: Cells, ctx: ParseContext): Parsed<EventRowInput> {
  const { mapping, dateFormat } = ctx.options
  const externalId = text(cells, mapping, 'externalId', 255)
  if (!externalId) return fail('externalId is empty')
  const type = text(cells, mapping, 'type')?.toLowerCase()
  if (!type || !(EVENT_TYPES as readonly string[]).includes(type))
    return fail(`type "${type ?? ''}" is not one of ${EVENT_TYPES.join(', ')}`)
  const at = text(cells, mapping, 'occurredAt') ?? ''
  const occurredAt = /^\d{4}-\d{2}-\d{2}[T ]\d/.test(at) ? new Date(at) : parseDay(at, dateFormat)
  if (occurredAt === null) return fail('occurredAt is empty')
  if (occurredAt instanceof Error) return fail(`occurredAt: ${occurredAt.message}`)
  const when = typeof occurredAt === 'string' ? new Date(`${occurredAt}T12:00:00Z`) : occurredAt
  if (Number.isNaN(when.getTime())) return fail(`occurredAt: "${at}" is not a date`)
  if (!timeInRange(when)) return fail(`occurredAt: "${at}" is not ${YEAR_RANGE}`)
  const contactEmail = parseEmail(text(cells, mapping, 'contactEmail') ?? undefined)
  if (contactEmail instanceof Error) return fail(`contactEmail: ${contactEmail.message}`)
  const actorEmail = parseEmail(text(cells, mapping, 'actorEmail') ?? undefined)
  if (actorEmail instanceof Error) return fail(`actorEmail: ${actorEmail.message}`)
  const dealExternalId = text(cells, mapping, 'dealExternalId', 255)
  const accountName = text(cells, mapping, 'accountName', 200)
  if (!dealExternalId && !contactEmail && !accountName) return fail('the event names no deal, contact or account')
  const metadata: Record<string, unknown> = {}
  for (const key of ['subject', 'body', 'outcome'] as const) {
    const value = text(cells, mapping, key, 5000)
    if (value) metadata[key] = value
  }
  const minutes = parseAmount(text(cells, mapping, 'durationMinutes') ?? '')
  if (minutes instanceof Error) return fail(`durationMinutes: ${minutes.message}`)
  if (minutes !== null) metadata.durationMinutes = minutes
  return {
    ok: true,
    value: { externalId, type: type as EventType, occurredAt: when, dealExternalId, contactEmail, accountName, actorEmail, metadata },
  }
}
