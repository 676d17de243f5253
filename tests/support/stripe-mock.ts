import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest { method: string, path: string, query: string, body: string, idempotencyKey: string | null }

const id = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`
const read = (request: IncomingMessage) => new Promise<string>((resolve) => {
  let body = ''
  request.on('data', (chunk: Buffer) => (body += chunk.toString()))
  request.on('end', () => resolve(body))
})

/**
 * A local server that answers the few Stripe API endpoints the app calls, in Stripe's documented
 * shapes (objects with `id` and `object`, lists with `data` and `has_more`, errors as
 * `{ error: { type, message } }`), and records every request it got (`GET /__requests`).
 */
export async function startStripeMock(): Promise<{ url: string, port: number, close: () => Promise<void> }> {
  const requests: RecordedRequest[] = []
  let outage = false
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://stripe.local')
    // POST /__outage {"down":true} makes every API call fail at the network level, like an outage.
    if (url.pathname === '/__outage') {
      outage = JSON.parse(await read(request)).down === true
      response.writeHead(204).end()
      return
    }
    if (outage && url.pathname !== '/__requests') return request.socket.destroy()
    const send = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') })
      response.end(JSON.stringify(value))
    }
    if (url.pathname === '/__requests') return send(200, requests)
    const body = await read(request)
    requests.push({
      method: request.method!,
      path: url.pathname,
      query: url.search,
      body,
      idempotencyKey: (request.headers['idempotency-key'] as string) ?? null,
    })
    if (!String(request.headers.authorization).startsWith('Bearer sk_test_')) {
      return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } })
    }
    const form = new URLSearchParams(body)
    const created = Math.floor(Date.now() / 1000)
    if (request.method === 'POST' && url.pathname === '/v1/customers') {
      return send(200, {
        id: id('cus'),
        object: 'customer',
        created,
        email: form.get('email'),
        name: form.get('name'),
        metadata: { tenantId: form.get('metadata[tenantId]') },
      })
    }
    if (request.method === 'GET' && url.pathname === '/v1/prices') {
      const keys = url.searchParams.getAll('lookup_keys[]').concat(url.searchParams.getAll('lookup_keys[0]'))
      return send(200, {
        object: 'list',
        url: '/v1/prices',
        has_more: false,
        data: keys.map(key => ({
          id: `price_${key}`,
          object: 'price',
          active: true,
          lookup_key: key,
          currency: 'usd',
          unit_amount: 4900,
          recurring: { interval: key.endsWith('yearly') ? 'year' : 'month' },
        })),
      })
    }
    if (request.method === 'POST' && url.pathname === '/v1/checkout/sessions') {
      const session = id('cs_test')
      return send(200, {
        id: session,
        object: 'checkout.session',
        mode: form.get('mode'),
        customer: form.get('customer'),
        client_reference_id: form.get('client_reference_id'),
        url: `https://checkout.stripe.local/c/pay/${session}`,
      })
    }
    if (request.method === 'POST' && url.pathname === '/v1/billing_portal/sessions') {
      const session = id('bps')
      return send(200, {
        id: session,
        object: 'billing_portal.session',
        customer: form.get('customer'),
        return_url: form.get('return_url'),
        url: `https://billing.stripe.local/p/session/${session}`,
      })
    }
    return send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${request.method}: ${url.pathname})` } })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, port, close: () => new Promise(resolve => server.close(() => resolve())) }
}
