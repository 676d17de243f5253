import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

/** A route file that declares its meta, and the route it serves as `METHOD /api/path` with `[param]` segments. */
export interface RouteFile { route: string, file: string }

const ROUTE_FILE = /^(.*?)\.(get|post|put|patch|delete)\.ts$/

/** The route files under `apiDir` (server/api) that export `meta` (defineRoute), in a stable order. */
export function routeFilesWithMeta(apiDir: string): RouteFile[] {
  const walk = (dir: string): string[] => readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
  const found = walk(apiDir).flatMap((file) => {
    const match = ROUTE_FILE.exec(relative(apiDir, file).split('\\').join('/'))
    if (!match || !/^export const meta = defineRoute\(/m.test(readFileSync(file, 'utf8'))) return []
    return [{ route: `${match[2]!.toUpperCase()} /api/${match[1]!.replace(/(^|\/)index$/, '')}`, file }]
  })
  // By path, then GET, POST, PUT, PATCH, DELETE: the order of the OpenAPI document.
  const key = (route: string) => {
    const [method, path] = route.split(' ') as [string, string]
    return `${path} ${METHODS.indexOf(method)}`
  }
  return found.sort((a, b) => (key(a.route) < key(b.route) ? -1 : 1))
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']

/** The source of the `#route-meta` module: every route's meta, keyed by its route. */
export function routeMetaSource(files: readonly RouteFile[]): string {
  const imports = files.map((f, i) => `import { meta as m${i} } from ${JSON.stringify(f.file)}`)
  const entries = files.map((f, i) => `  ${JSON.stringify(f.route)}: m${i},`)
  return [...imports, 'export default {', ...entries, '}', ''].join('\n')
}
