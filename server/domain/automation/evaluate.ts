import type { Condition, Trigger } from './schemas'

/** An event as triggers see it. */
export interface TriggerEvent { type: string, metadata: Record<string, unknown> }

/** What conditions are checked against: the record's fields by name (`custom.<key>` for custom fields). */
export type Facts = Record<string, unknown>

/** Whether an event sets off an event trigger (time-based triggers never match an event). Pure. */
export function triggerMatchesEvent(trigger: Trigger, event: TriggerEvent): boolean {
  switch (trigger.kind) {
    case 'stage_entered': return event.type === 'stage_changed' && event.metadata.to === trigger.stage
    case 'event': return trigger.type === '*' || trigger.type === event.type
    default: return false
  }
}

const norm = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v)
const num = (v: unknown) =>
  typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null

function equal(a: unknown, b: unknown) {
  const x = num(a)
  const y = num(b)
  if (x !== null && y !== null && (typeof a === 'number' || typeof b === 'number')) return x === y
  return norm(a) === norm(b)
}

/**
 * One condition against the facts. Strings compare without case, numbers (and numeric strings
 * such as amounts) as numbers; `contains` looks into text and lists; `in` takes a list; a missing
 * fact matches only `neq`. Pure.
 */
export function conditionHolds(condition: Condition, facts: Facts): boolean {
  const fact = facts[condition.field]
  const { op, value } = condition
  if (fact === undefined || fact === null) return op === 'neq'
  switch (op) {
    case 'eq': return Array.isArray(fact) ? fact.some(f => equal(f, value)) : equal(fact, value)
    case 'neq': return Array.isArray(fact) ? !fact.some(f => equal(f, value)) : !equal(fact, value)
    case 'in': return Array.isArray(value) && value.some(v => (Array.isArray(fact) ? fact.some(f => equal(f, v)) : equal(fact, v)))
    case 'contains':
      if (Array.isArray(fact)) return fact.some(f => equal(f, value))
      return String(norm(fact)).includes(String(norm(value)))
    default: {
      const x = num(fact)
      const y = num(value)
      if (x === null || y === null) return false
      return op === 'gt' ? x > y : op === 'gte' ? x >= y : op === 'lt' ? x < y : x <= y
    }
  }
}

/** Every condition holds (no conditions: always). Pure. */
export const conditionsMatch = (conditions: readonly Condition[], facts: Facts) => conditions.every(c => conditionHolds(c, facts))

/** A deal (with its momentum) as facts, custom fields flattened to `custom.<key>`. Pure. */
export function dealFacts(
  deal: {
    amount: string | number
    stage: string
    ownerId: string
    source: string
    product: string | null
    currency: string
    probability: number | null
    tags: string[]
    custom: Record<string, unknown>
  },
  score?: { score: number, state: string } | null,
  event?: { type: string, source: string } | null,
): Facts {
  return {
    'amount': Number(deal.amount),
    'stage': deal.stage,
    'ownerId': deal.ownerId,
    'source': deal.source,
    'product': deal.product,
    'currency': deal.currency,
    'probability': deal.probability,
    'tags': deal.tags,
    'state': score?.state ?? null,
    'score': score?.score ?? null,
    'event.type': event?.type ?? null,
    'event.source': event?.source ?? null,
    ...Object.fromEntries(Object.entries(deal.custom).map(([k, v]) => [`custom.${k}`, v])),
  }
}

/** A lead as facts (for `lead_created`). Pure. */
export function leadFacts(lead: { source: string, ownerId: string | null, score: number, custom: Record<string, unknown> }): Facts {
  return {
    source: lead.source,
    ownerId: lead.ownerId,
    score: lead.score,
    ...Object.fromEntries(Object.entries(lead.custom).map(([k, v]) => [`custom.${k}`, v])),
  }
}

/** Replaces `{{deal.name}}`-style placeholders in an action's text. Unknown ones become empty. Pure. */
export function fillText(text: string, values: Record<string, string | null | undefined>): string {
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, key: string) => values[key] ?? '')
}
