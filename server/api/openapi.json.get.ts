import { openApiDocument } from '../openapi/document'

let document: ReturnType<typeof openApiDocument> | undefined

/** The OpenAPI document of every /api/v1 route (generated from the zod schemas, built once). */
export default defineEventHandler(() => (document ??= openApiDocument()))
