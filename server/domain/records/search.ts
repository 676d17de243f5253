import { sql } from 'drizzle-orm'
import { queryRows } from '../../../db/client'
import type { Tx } from '../core/db'

export interface SearchHit {
  type: 'account' | 'contact' | 'deal' | 'note'
  id: string
  title: string
  subtitle: string | null
  /** The deal a note or deal belongs to, for linking. */
  dealId: string | null
  rank: number
}

/**
 * One ranked list over accounts, contacts, deals and notes: trigram similarity for names and
 * emails (so typos still match), full-text search for notes. Reads through the caller's
 * transaction, so row-level security keeps it to what the caller may see.
 */
export async function search(tx: Tx, tenantId: string, q: string, limit = 20): Promise<SearchHit[]> {
  const term = q.trim().toLowerCase()
  const like = `%${term.replace(/[\\%_]/g, c => `\\${c}`)}%`
  return queryRows<SearchHit>(
    tx,
    sql`
    with hits as (
      select 'account' as type, a.id, a.name as title, a.domain as subtitle, null::uuid as deal_id,
             greatest(similarity(lower(a.name), ${term}), word_similarity(${term}, lower(a.name)),
                      case when lower(a.name) like ${like} then 0.9 else 0 end) as rank
      from accounts a
      where a.tenant_id = ${tenantId} and (lower(a.name) % ${term} or lower(a.name) like ${like} or ${term} <% lower(a.name))
      union all
      select 'contact', c.id, c.first_name || ' ' || c.last_name, c.email, null,
             greatest(similarity(lower(c.first_name || ' ' || c.last_name), ${term}),
                      word_similarity(${term}, lower(c.first_name || ' ' || c.last_name)),
                      case when lower(c.email) like ${like} then 0.9 else 0 end)
      from contacts c
      where c.tenant_id = ${tenantId} and (lower(c.first_name || ' ' || c.last_name) % ${term}
            or ${term} <% lower(c.first_name || ' ' || c.last_name)
            or lower(c.email) like ${like})
      union all
      select 'deal', d.id, d.name, d.stage, d.id,
             greatest(similarity(lower(d.name), ${term}), word_similarity(${term}, lower(d.name)),
                      case when lower(d.name) like ${like} then 0.85 else 0 end)
      from deals d
      where d.tenant_id = ${tenantId} and (lower(d.name) % ${term} or lower(d.name) like ${like} or ${term} <% lower(d.name))
      union all
      select 'note', n.id, left(n.body, 120), null, n.deal_id,
             least(1, ts_rank(to_tsvector('simple', n.body), websearch_to_tsquery('simple', ${term})) * 4)
      from notes n
      where n.tenant_id = ${tenantId} and to_tsvector('simple', n.body) @@ websearch_to_tsquery('simple', ${term})
    )
    select type, id, title, subtitle, deal_id as "dealId", round(rank::numeric, 3)::float as rank
    from hits order by rank desc, title limit ${limit}`,
  )
}
