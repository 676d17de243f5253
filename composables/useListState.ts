import type { LocationQuery } from 'vue-router'

/** The values of `defaults`' keys a URL query carries, the defaults where it carries none. Pure. */
export function listStateOfQuery<T extends Record<string, string>>(defaults: T, query: LocationQuery | Record<string, unknown>): T {
  const out: Record<string, string> = { ...defaults }
  for (const key of Object.keys(defaults)) {
    const value = query[key]
    const text = Array.isArray(value) ? value[0] : value
    if (typeof text === 'string' && text !== '') out[key] = text
  }
  return out as T
}

/** The values that differ from the defaults (what the URL and a saved view keep). Pure. */
export function changedOf<T extends Record<string, string>>(defaults: T, state: T): Partial<T> {
  return Object.fromEntries(Object.entries(state).filter(([k, v]) => v !== '' && v !== defaults[k])) as Partial<T>
}

/**
 * A record list's search, filters and sort kept in the page's URL (a link shared or a reload shows
 * the same list), and saved views applied to them. `sort` is the sort key; the rest are filters.
 */
export function useListState<T extends Record<string, string> & { sort: string }>(defaults: T) {
  const route = useRoute()
  const router = useRouter()
  const state = reactive(listStateOfQuery(defaults, route.query)) as T
  let viewApplied: string | undefined
  watch(() => ({ ...state }), (next) => {
    const rest = Object.fromEntries(Object.entries(route.query).filter(([k]) => !(k in defaults) && k !== 'view'))
    const view = viewApplied ?? route.query.view
    viewApplied = undefined
    router.replace({ query: { ...rest, ...changedOf(defaults, next), ...(view ? { view } : {}) } })
  })
  /** What "Save view" stores: the filters (sort aside) and the sort. */
  const current = computed(() => {
    const { sort, ...filters } = changedOf(defaults, { ...state })
    return { filters: filters as Record<string, unknown>, sort: sort ? { field: sort, direction: 'asc' as const } : null }
  })
  function applyView(view: SavedView) {
    viewApplied = view.id
    const before = JSON.stringify(state)
    const filters = Object.fromEntries(Object.entries(view.filters).filter(([, v]) => typeof v === 'string')) as Record<string, string>
    Object.assign(state, listStateOfQuery(defaults, { ...filters, ...(view.sort ? { sort: view.sort.field } : {}) }))
    if (JSON.stringify(state) !== before) return
    viewApplied = undefined
    router.replace({ query: { ...route.query, view: view.id } })
  }
  const clearView = () => router.replace({ query: { ...route.query, view: undefined } })
  return { state, current, applyView, clearView }
}
