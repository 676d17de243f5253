import { describe, expect, it } from 'vitest'
import { currentRouteTables, documentedRoutes, generatedSection, loadApiDocument, readApiDoc } from '../../scripts/lib/api-doc'
import { routeFiles } from '../support/routes'

// docs/api.md's route tables are generated from the OpenAPI document (npm run docs:api). A route
// added or changed later without re-running the script fails here.

describe('docs/api.md', () => {
  it('has route tables that match the OpenAPI document (run `npm run docs:api` after changing a route)', async () => {
    const section = generatedSection(readApiDoc())
    expect(section, 'docs/api.md lost its routes:begin / routes:end markers').not.toBeNull()
    expect(section, 'docs/api.md is out of date: run `npm run docs:api`').toBe(await currentRouteTables())
  })

  it('documents every route file under server/api/v1 (through the OpenAPI document)', async () => {
    const documented = documentedRoutes(await loadApiDocument())
    expect(
      routeFiles().filter(route => !documented.includes(route)),
      'add these routes to server/openapi/routes.ts, then run `npm run docs:api`',
    ).toEqual([])
  })

  it('names every route outside /api/v1 in its hand-written table', () => {
    const markdown = readApiDoc()
    const outside = routeFiles('server/api').filter(route => !route.includes(' /api/v1/'))
    expect(outside.length).toBeGreaterThan(5)
    const missing = outside.filter((route) => {
      const [method, path] = route.split(' ') as [string, string]
      return !markdown.includes(`| ${method} | \`${path}\` |`)
    })
    expect(missing, 'add these routes to "Routes outside /api/v1" in docs/api.md').toEqual([])
  })
})
