import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

/** The routes under server/api/v1, as `METHOD /api/v1/path` (with `[param]` segments). */
export function routeFiles(dir = 'server/api/v1'): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return routeFiles(path)
    const match = /^(.*?)\.(get|post|put|patch|delete)\.ts$/.exec(relative('server/api', path))
    if (!match) return []
    return [`${match[2]!.toUpperCase()} /api/${match[1]!.replace(/\/index$/, '')}`]
  })
}
