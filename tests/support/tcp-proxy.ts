import { connect, createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'

export interface TcpProxy {
  port: number
  /** postgres://… of the target, through the proxy. */
  url: (targetUrl: string) => string
  /**
   * Cuts every connection when the database answers the `nth` chunk a client sent containing
   * `pattern` (a SQL text, say): the statement ran, but its transaction can never commit. Resolves
   * once cut. New connections are accepted again afterwards.
   */
  cutOn: (pattern: string, nth?: number) => Promise<void>
  /** Stops forwarding a client's traffic at the `nth` chunk containing `pattern` (holds it); resolves then. */
  holdOn: (pattern: string, nth?: number) => Promise<void>
  /** Drops every open connection now. */
  cutAll: () => void
  close: () => Promise<void>
}

/**
 * A plain TCP proxy (for Postgres between the app and the database) that a test can cut in the
 * middle of a statement, to prove that a dropped connection leaves nothing half-written.
 */
export async function startTcpProxy(target: { host: string, port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>()
  let trigger: { pattern: string, left: number, hold: boolean, fire: () => void } | null = null
  const cutAll = () => {
    for (const [a, b] of pairs) {
      a.destroy()
      b.destroy()
    }
    pairs.clear()
  }
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host)
    const pair: [Socket, Socket] = [client, upstream]
    pairs.add(pair)
    let held = false
    let cutOnReply: (() => void) | null = null
    client.on('data', (chunk: Buffer) => {
      if (held) return
      if (trigger && chunk.includes(trigger.pattern) && --trigger.left === 0) {
        const { hold, fire } = trigger
        trigger = null
        if (hold) {
          held = true
          fire()
          return
        }
        // The statement goes through and runs; the connection drops as its answer comes back,
        // so the transaction it ran in can never commit.
        upstream.write(chunk)
        cutOnReply = () => {
          cutOnReply = null
          cutAll()
          fire()
        }
        return
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      if (cutOnReply) cutOnReply()
      else client.write(chunk)
    })
    const end = () => {
      client.destroy()
      upstream.destroy()
      pairs.delete(pair)
    }
    client.on('close', end)
    upstream.on('close', end)
    client.on('error', end)
    upstream.on('error', end)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const arm = (pattern: string, nth: number, hold: boolean) => new Promise<void>((resolve) => {
    trigger = { pattern, left: nth, hold, fire: resolve }
  })
  return {
    port,
    url: (targetUrl) => {
      const parsed = new URL(targetUrl)
      parsed.hostname = '127.0.0.1'
      parsed.port = String(port)
      return parsed.toString()
    },
    cutOn: (pattern, nth = 1) => arm(pattern, nth, false),
    holdOn: (pattern, nth = 1) => arm(pattern, nth, true),
    cutAll,
    close: async () => {
      cutAll()
      await new Promise(resolve => server.close(resolve))
    },
  }
}
