import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedRequest { at: Date, headers: Record<string, string | string[] | undefined>, body: string, answered: number }

/** A local HTTP receiver for outbound webhooks: answers each request with the next status of `script` (the last one repeats). */
export async function startReceiver(script: number[]): Promise<{ url: string, requests: ReceivedRequest[], close: () => Promise<void> }> {
  const requests: ReceivedRequest[] = []
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      const answered = script[Math.min(requests.length, script.length - 1)]!
      requests.push({ at: new Date(), headers: request.headers, body, answered })
      response.writeHead(answered, { 'content-type': 'text/plain' }).end(answered < 300 ? 'ok' : 'nope')
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/hooks`, requests, close: () => new Promise(resolve => server.close(() => resolve())) }
}
