/** How specific a route is, segment by segment: a static segment before a `[param]` one (as Nitro's router prefers). */
const specificity = (pattern: string) => pattern.split('/').map(part => (/^\[\w+\]$/.test(part) ? '1' : '0')).join('')

/**
 * A table keyed by `METHOD /api/path` with `[param]` segments (as route files name their
 * routes), and the lookup of a concrete request in it: the most specific entry that matches
 * (`/inbound/[id]` before `/[provider]/[id]`), whatever the table's order. Pure.
 */
export function routeTable<T>(table: Record<string, T>): (method: string, path: string) => T | undefined {
  const compiled = Object.entries(table).map(([route, value]) => {
    const [method, pattern] = route.split(' ') as [string, string]
    const source = pattern.split('/').map(part => (/^\[\w+\]$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|\\]/g, '\\$&'))).join('/')
    return { method, regex: new RegExp(`^${source}/?$`), value, rank: specificity(pattern) }
  }).sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
  return (method, path) => {
    const pathname = path.split('?')[0]!
    return compiled.find(r => r.method === method.toUpperCase() && r.regex.test(pathname))?.value
  }
}
