import type { LocationQuery } from 'vue-router'

/** The filters of the deal lists (Pipeline, Deals), as `GET /api/v1/deals` names them. */
export interface DealFilters {
  ownerId?: string
  teamId?: string
  stage?: string
  state?: MomentumStateName
  closeFrom?: string
  closeTo?: string
  tags?: string
}

export const DEAL_FILTER_KEYS = ['ownerId', 'teamId', 'stage', 'state', 'closeFrom', 'closeTo', 'tags'] as const

/** The filters a URL query carries (unknown keys and empty values dropped). Pure. */
export function filtersOfQuery(query: LocationQuery | Record<string, unknown>): DealFilters {
  const out: Record<string, string> = {}
  for (const key of DEAL_FILTER_KEYS) {
    const value = query[key]
    const text = Array.isArray(value) ? value[0] : value
    if (typeof text === 'string' && text.trim()) out[key] = text.trim()
  }
  return out as DealFilters
}

/**
 * The deal filters kept in the page's URL query: reading them follows the URL (back, a shared
 * link), setting them replaces the query (other query keys kept).
 */
export function useDealFilters() {
  const route = useRoute()
  const router = useRouter()
  const filters = computed<DealFilters>(() => filtersOfQuery(route.query))
  function setFilters(next: DealFilters) {
    const rest = Object.fromEntries(Object.entries(route.query).filter(([k]) => !(DEAL_FILTER_KEYS as readonly string[]).includes(k)))
    const kept = Object.fromEntries(Object.entries(next).filter(([, v]) => typeof v === 'string' && v.trim() !== ''))
    return router.replace({ query: { ...rest, ...kept } })
  }
  const setFilter = (key: keyof DealFilters, value: string | undefined) => setFilters({ ...filters.value, [key]: value })
  return { filters, setFilters, setFilter }
}
