import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/** A message as the test SMTP server received it, parsed with mailparser. */
export interface ReceivedMail {
  from: string
  to: string[]
  subject: string
  text: string
  html: string | null
  messageId: string | null
  inReplyTo: string | null
  replyTo: string | null
  raw: string
}

export interface SmtpSink {
  port: number
  /** `smtp://127.0.0.1:<port>` for SMTP_URL. */
  url: string
  messages: ReceivedMail[]
  /** Resolves once `count` messages have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>
  clear(): void
  close(): Promise<void>
}

/**
 * A real SMTP server (the `smtp-server` package) on a free local port that accepts every
 * message without authentication and keeps it, parsed, for the test to assert on.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        const mail = await simpleParser(raw)
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map(r => r.address),
          subject: mail.subject ?? '',
          text: mail.text ?? '',
          html: typeof mail.html === 'string' ? mail.html : null,
          messageId: mail.messageId ?? null,
          inReplyTo: mail.inReplyTo ?? null,
          replyTo: mail.replyTo?.value[0]?.address ?? null,
          raw,
        })
        callback()
      })
    },
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} emails, got ${messages.length}`)
        await new Promise(resolve => setTimeout(resolve, 50))
      }
      return messages
    },
    clear: () => void messages.splice(0),
    close: () => new Promise(resolve => server.close(() => resolve())),
  }
}

/** The sink's messages over HTTP (`GET /messages`, `DELETE /messages`), for tests in another process than the sink. */
export async function serveSink(sink: SmtpSink): Promise<{ url: string, close: () => Promise<void> }> {
  const http: Server = createServer((request, response) => {
    if (request.method === 'DELETE') sink.clear()
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify(sink.messages))
  })
  await new Promise<void>(resolve => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/messages`, close: () => new Promise(resolve => http.close(() => resolve())) }
}
