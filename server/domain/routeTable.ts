/**
 * A table keyed by `METHOD /api/path` with `[param]` segments (as route files name their
 * routes), and the lookup of a concrete request in it: the first entry that matches. Pure.
 */
export function routeTable<T>(table: Record<string, T>): (method: string, path: string) => T | undefined {
  const compiled = Object.entries(table).map(([route, value]) => {
    const [method, pattern] = route.split(' ') as [string, string]
    const source = pattern.split('/').map(part => (/^\[\w+\]$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|\\]/g, '\\$&'))).join('/')
    return { method, regex: new RegExp(`^${source}/?$`), value }
  })
  return (method, path) => {
    const pathname = path.split('?')[0]!
    return compiled.find(r => r.method === method.toUpperCase() && r.regex.test(pathname))?.value
  }
}
