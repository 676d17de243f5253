import type { IncomingMessage } from 'node:http'
import { tooLarge } from '../domain/security/body'
import { bodyLimitFor, checkBody } from '../openapi/routes'

const PAYLOAD_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const RAW_BODY = Symbol.for('h3RawBody')

/** Reads the request body, refusing it (413) as soon as it passes `maxBytes`. */
function readLimited(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        req.removeAllListeners('data')
        req.resume()
        reject(tooLarge(maxBytes))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/**
 * 3. Request bodies, before any route reads them: 413 past the route's limit (see
 * server/domain/security/body.ts; the declared Content-Length is checked first, then the bytes as
 * they arrive), then `checkBody`: 415 for a form (or any media type a route's meta does
 * not take), and any body h3 would read as JSON — whatever its type says — must be UTF-8, valid
 * JSON and nested at most 32 deep (400 `validation` naming `body`) with nothing unstorable in
 * it. The body read here is the one the route reads (h3's cache).
 */
export default defineEventHandler(async (event) => {
  if (!PAYLOAD_METHODS.has(event.method) || !event.path.startsWith('/api/')) return
  const limit = bodyLimitFor(event.method, event.path)
  const declared = Number(getRequestHeader(event, 'content-length') ?? 0)
  if (declared > limit.maxBytes) throw tooLarge(limit.maxBytes)
  if (limit.streamed) return
  const req = event.node.req as IncomingMessage & { [RAW_BODY]?: Buffer }
  const raw = await readLimited(req, limit.maxBytes)
  req[RAW_BODY] = raw
  checkBody(event.method, event.path, getRequestHeader(event, 'content-type') ?? '', raw)
})
