let document: unknown

/**
 * The OpenAPI document of every /api/v1 route (generated from the route table, built once). Read
 * lazily: this file is itself in the route table the document is built from.
 */
export default defineEventHandler(async () => (document ??= (await import('../openapi/document')).openApiDocument()))
