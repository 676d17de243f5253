import { createHash } from 'node:crypto'
import { and, asc, eq, sql } from 'drizzle-orm'
import { users } from '../../../db/schema'
import { distinct } from '../../../shared/utils/collections'
import type { Tx } from '../core/db'

/**
 * The owners outside sources name (a CSV import's owner column, a Salesforce user), matched to
 * our users: by email, else by name, in any case, the active and then the oldest first. One that
 * matches no one is added as an inactive rep, so the records keep their owner.
 */

/** An owner as a source names them: an email, a name, or both. */
export interface OwnerRef { email: string | null, name: string | null }

const lowerName = (name: string) => name.trim().toLowerCase()

/** How an owner is matched: by email when the source gives one, else by name; null for no owner. Pure. */
export const ownerKey = (ref: OwnerRef) => (ref.email ? `e:${ref.email.toLowerCase()}` : ref.name ? `n:${lowerName(ref.name)}` : null)

/** A stable placeholder address for an owner known only by name (`.invalid` never delivers). Pure. */
export function placeholderEmail(name: string) {
  const slug = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '.').replace(/^\.+|\.+$/g, '').slice(0, 40) || 'owner'
  return `${slug}.${createHash('sha256').update(lowerName(name)).digest('hex').slice(0, 6)}@imported.invalid`
}

/**
 * Fills `known` (keyed by ownerKey) with the user id of every owner in `refs`, adding the ones
 * nobody here has as inactive reps (a placeholder address for a name alone). `known` may carry
 * what an earlier batch of the same run found; answers it.
 */
export async function resolveOwnerIds(
  tx: Tx,
  tenantId: string,
  refs: readonly OwnerRef[],
  known = new Map<string, string>(),
): Promise<Map<string, string>> {
  const wanted = distinct(refs.map(ownerKey)).filter(k => !known.has(k))
  if (!wanted.length) return known
  const emails = wanted.filter(k => k.startsWith('e:')).map(k => k.slice(2))
  const names = wanted.filter(k => k.startsWith('n:')).map(k => k.slice(2))
  const lookup = async () => {
    const found = await tx
      .select({ id: users.id, email: sql<string>`lower(${users.email})`, name: sql<string>`lower(${users.name})` })
      .from(users)
      .where(
        and(
          eq(users.tenantId, tenantId),
          sql`(lower(${users.email}) in ${emails.length ? emails : ['']} or lower(${users.name}) in ${names.length ? names : ['']})`,
        ),
      )
      .orderBy(sql`${users.active} desc`, asc(users.createdAt))
    // The best match is the first: set it last.
    for (const u of found.toReversed()) {
      known.set(`e:${u.email}`, u.id)
      known.set(`n:${u.name}`, u.id)
    }
  }
  await lookup()
  const missing = wanted.filter(k => !known.has(k))
  if (missing.length) {
    const byKey = new Map(refs.map(r => [ownerKey(r), r]))
    await tx
      .insert(users)
      .values(
        missing.map((key) => {
          const ref = byKey.get(key)!
          const email = ref.email?.toLowerCase() ?? placeholderEmail(ref.name!)
          return { tenantId, email, name: (ref.name ?? email.split('@')[0]!).slice(0, 200), role: 'rep' as const, active: false }
        }),
      )
      .onConflictDoNothing()
    await lookup()
  }
  return known
}
