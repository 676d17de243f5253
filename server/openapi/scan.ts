import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { RouteMeta } from '../utils/route'
import { routeFilesWithMeta } from './routeFiles'

/**
 * `#route-meta` outside the server bundle (unit tests, `npm run docs:api`; package.json "imports"
 * points here, while the bundle gets the table modules/route-meta.ts builds): the same table, read
 * by importing every route file. The route modules use Nitro's auto-imports (`defineEventHandler`,
 * the helpers of server/utils and shared/utils) at their top level, so those are made globals
 * first, as Nitro's bundler would inject them.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

async function provideNitroAutoImports() {
  const globals = globalThis as Record<string, unknown>
  if (globals.__momentumAutoImports) return
  const h3 = await import('h3')
  for (const [name, value] of Object.entries(h3)) globals[name] ??= value
  for (const dir of ['shared/utils', 'server/utils']) {
    for (const file of readdirSync(`${ROOT}${dir}`).filter(f => f.endsWith('.ts')).sort()) {
      const module = await import(`${ROOT}${dir}/${file}`) as Record<string, unknown>
      for (const [name, value] of Object.entries(module)) if (name !== 'default') globals[name] ??= value
    }
  }
  globals.__momentumAutoImports = true
}

await provideNitroAutoImports()
const routes: Record<string, RouteMeta> = {}
for (const { route, file } of routeFilesWithMeta(`${ROOT}server/api`)) {
  routes[route] = ((await import(file)) as { meta: RouteMeta }).meta
}

export default routes
