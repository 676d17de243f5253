import { createServer, type Server } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'

export interface WsProxy {
  /** For NEON_WS_PROXY / neonConfig.wsProxy: `127.0.0.1:PORT/v1`. */
  address: string
  connections: number
  close: () => Promise<void>
}

/**
 * A WebSocket-to-TCP proxy of the kind Neon runs in front of Postgres: each WebSocket carries
 * one Postgres connection, to the `address=host:port` the driver names in the URL.
 */
export async function startWsProxy(): Promise<WsProxy> {
  const server: Server = createServer()
  const wss = new WebSocketServer({ server })
  const proxy = { address: '', connections: 0, close: async () => {} }
  wss.on('connection', (ws, request) => {
    const target = new URL(request.url ?? '/', 'http://proxy').searchParams.get('address') ?? ''
    const [host, port] = target.split(':')
    proxy.connections++
    const socket = connect(Number(port), host!)
    ws.on('message', data => socket.write(data as Buffer))
    socket.on('data', data => ws.readyState === ws.OPEN && ws.send(data))
    ws.on('close', () => socket.end())
    socket.on('close', () => ws.close())
    socket.on('error', () => ws.close())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  proxy.address = `127.0.0.1:${(server.address() as AddressInfo).port}/v1`
  proxy.close = () => new Promise((resolve) => {
    for (const client of wss.clients) client.terminate()
    wss.close()
    server.close(() => resolve())
  })
  return proxy
}
