import { and, eq } from 'drizzle-orm'
import { users } from '../../../db/schema'
import type { Tx } from '../core/db'
import { notify } from './notifications'

const MENTION = /(?:^|[^\w@.])@([\w.%+-]+@[a-z0-9.-]+\.[a-z]{2,}|[\p{L}][\p{L}\p{N}_-]*(?:\.[\p{L}][\p{L}\p{N}_-]*)?)/giu

/** The `@name` and `@email` mentions in a text, lower-cased and deduplicated. Pure. */
export function parseMentions(text: string): string[] {
  return [...new Set([...text.matchAll(MENTION)].map(m => m[1]!.toLowerCase().replace(/\.$/, '')))]
}

interface Person { id: string, name: string, email: string }

const squash = (s: string) => s.toLowerCase().replace(/[\s._-]+/g, '')

/**
 * The people mentions name: an email matches its user; a name matches a user's full name written
 * without spaces (`@rileychen`, `@riley.chen`) or, when only one user has it, their first name
 * (`@riley`). Ambiguous first names match no one. Pure.
 */
export function resolveMentions(mentions: readonly string[], people: readonly Person[]): Person[] {
  const found = new Map<string, Person>()
  for (const mention of mentions) {
    if (mention.includes('@')) {
      const person = people.find(p => p.email.toLowerCase() === mention)
      if (person) found.set(person.id, person)
      continue
    }
    const full = people.filter(p => squash(p.name) === squash(mention))
    const first = people.filter(p => p.name.trim().split(/\s+/)[0]!.toLowerCase() === mention)
    const match = full.length === 1 ? full : first.length === 1 ? first : []
    for (const person of match) found.set(person.id, person)
  }
  return [...found.values()]
}

/** Notifies the people a note mentions (never its author), once per note. */
export async function notifyMentions(
  tx: Tx,
  tenantId: string,
  note: { id: string, authorId: string, body: string, dealId?: string | null },
) {
  const mentions = parseMentions(note.body)
  if (!mentions.length) return []
  const people = await tx
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.active, true)))
  const author = people.find(p => p.id === note.authorId)
  const mentioned = resolveMentions(mentions, people).filter(p => p.id !== note.authorId)
  return notify(
    tx,
    tenantId,
    mentioned.map(p => ({
      userId: p.id,
      kind: 'mention',
      title: `${author?.name ?? 'Someone'} mentioned you in a note`,
      body: note.body.slice(0, 300),
      link: note.dealId ? `/deals/${note.dealId}` : null,
      dealId: note.dealId ?? null,
      dedupeKey: `note:${note.id}`,
    })),
  )
}
