import { z } from 'zod'
import { API_ROUTES } from './routes'
import { scopeName, scopeNeeded } from '../../shared/utils/apiScopes'

const schemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })

const ERROR = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer' },
    statusMessage: { type: 'string' },
    data: {
      type: 'object',
      description:
        '400: { issues: [{ path, message }] } (batches add index); 402: { error, capability } or { error, limit, used }; '
        + '403 for an API key without the route\'s scope: { error: \'scope_required\', scope }; 409: details',
    },
  },
}

/** The OpenAPI 3.1 document of every /api/v1 route, generated from the routes' zod schemas. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const [route, meta] of Object.entries(API_ROUTES)) {
    const [method, pattern] = route.split(' ') as [string, string]
    const path = pattern.replace(/\[(\w+)\]/g, '{$1}')
    const params = [...pattern.matchAll(/\[(\w+)\]/g)].map(m => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: m[1] === 'id' ? { type: 'string', format: 'uuid' } : { type: 'string' },
    }))
    const query = meta.query ? schemaOf(meta.query) as { properties?: Record<string, unknown>, required?: string[] } : undefined
    const queryParams = Object.entries(query?.properties ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: query?.required?.includes(name) ?? false,
      schema,
    }))
    const status = meta.status ?? 200
    const need = scopeNeeded(meta, method)
    paths[path] ??= {}
    paths[path][method.toLowerCase()] = {
      tags: [meta.tag],
      summary: meta.summary,
      // The scope an API key needs for this route (its area, read for GET, write otherwise).
      ...(need ? { 'x-api-key-scope': scopeName(need) } : {}),
      parameters: [...params, ...queryParams],
      ...(meta.body
        ? { requestBody: { required: true, content: { [meta.bodyType ?? 'application/json']: { schema: schemaOf(meta.body) } } } }
        : {}),
      responses: {
        [status]:
          status === 204 ? { description: 'Done' } : { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
        ...Object.fromEntries([400, 401, 402, 403, 404, 409, 413, 429].map(code => [code, { $ref: '#/components/responses/Error' }])),
      },
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Momentum CRM API',
      version: '1',
      description: 'Sign in with the session cookie, or send `Authorization: Bearer <api key>`.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'nuxt-session' } },
      responses: { Error: { description: 'An error in h3\'s shape', content: { 'application/json': { schema: ERROR } } } },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  }
}
