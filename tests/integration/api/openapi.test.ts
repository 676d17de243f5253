import { describe, expect, inject, it } from 'vitest'
import type { Json } from '../../support/http'
import { routeFiles } from '../../support/routes'

const baseURL = inject('baseURL')

describe('GET /api/openapi.json', () => {
  it('documents every /api/v1 route the server has, with its method', async () => {
    const document: Json = await (await fetch(`${baseURL}/api/openapi.json`)).json()
    expect(document.openapi).toBe('3.1.0')
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, methods]) => Object.keys(methods).map(m => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, '[$1]')}`))
    expect(documented.sort()).toEqual(routeFiles().sort())
  })

  it('takes request bodies and query parameters from the routes\' zod schemas', async () => {
    const { paths }: Json = await (await fetch(`${baseURL}/api/openapi.json`)).json()
    const create = paths['/api/v1/deals'].post.requestBody.content['application/json'].schema
    expect(create.required).toEqual(expect.arrayContaining(['name', 'amount']))
    expect(create.properties.currency).toMatchObject({ pattern: '^[A-Z]{3}$' })
    const sort = paths['/api/v1/deals'].get.parameters.find((p: Json) => p.name === 'sort')
    expect(sort.schema.enum).toEqual(['createdAt', 'amount', 'closeDate', 'name'])
    expect(paths['/api/v1/deals/{id}/stage'].post.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })])
    expect(paths['/api/v1/events'].post.requestBody.content['application/json'].schema.properties.type.enum).toContain('email_opened')
  })
})
