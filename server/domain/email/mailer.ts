import { randomUUID } from 'node:crypto'
import nodemailer from 'nodemailer'

/** One email to send. `messageId` is ours (RFC 5322, without angle brackets), so replies thread back. */
export interface OutgoingMail {
  to: string
  subject: string
  text: string
  html?: string
  /** The person it is sent for: shown as the sender's name, and replies go to them. */
  fromName?: string
  replyTo?: string
  messageId?: string
}

export interface Mailer {
  /** The address mail is sent from. */
  from: string
  send(mail: OutgoingMail): Promise<{ messageId: string }>
  close(): void
}

export interface SmtpConfig {
  /** `smtp://user:pass@host:port` or `smtps://…`; or the parts below. */
  url?: string
  host?: string
  port?: number
  secure?: boolean
  user?: string
  password?: string
  from: string
}

/**
 * SMTP settings from the environment (SMTP_URL, or SMTP_HOST / _PORT / _USER / _PASSWORD / _SECURE; SMTP_FROM),
 * or null when unset. Pure.
 */
export function smtpConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SmtpConfig | null {
  const url = env.SMTP_URL?.trim()
  const host = env.SMTP_HOST?.trim()
  if (!url && !host) return null
  const from = env.SMTP_FROM?.trim() || `momentum@${host || (url ? new URL(url).hostname : 'localhost')}`
  return {
    url: url || undefined,
    host: host || undefined,
    port: env.SMTP_PORT ? Number(env.SMTP_PORT) : undefined,
    secure: env.SMTP_SECURE ? ['1', 'true', 'yes'].includes(env.SMTP_SECURE.toLowerCase()) : undefined,
    user: env.SMTP_USER || undefined,
    password: env.SMTP_PASSWORD || undefined,
    from,
  }
}

/** A Message-ID on the sending domain (without angle brackets). */
export const newMessageId = (from: string) => `${randomUUID()}@${from.split('@')[1] ?? 'momentum.local'}`

/** A mailer over SMTP with nodemailer (a pooled connection; `close()` ends it). */
export function smtpMailer(config: SmtpConfig): Mailer {
  const transport = config.url
    ? nodemailer.createTransport(config.url)
    : nodemailer.createTransport({
        host: config.host, port: config.port ?? 587, secure: config.secure ?? config.port === 465,
        auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
      })
  return {
    from: config.from,
    async send(mail) {
      const messageId = (mail.messageId ?? newMessageId(config.from)).replace(/^<|>$/g, '')
      await transport.sendMail({
        from: mail.fromName ? { name: mail.fromName, address: config.from } : config.from,
        to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, replyTo: mail.replyTo,
        messageId: `<${messageId}>`,
      })
      return { messageId }
    },
    close: () => transport.close(),
  }
}

let shared: Mailer | null | undefined

/** The server's mailer from the environment, or null when SMTP is not configured (emails are then skipped). */
export function mailerFromEnv(): Mailer | null {
  if (shared === undefined) {
    const config = smtpConfigFromEnv()
    shared = config ? smtpMailer(config) : null
  }
  return shared
}

/** The mailer a background job sends with: the one its caller passed (null: none), else the environment's. */
export const mailerOf = (options: { mailer?: Mailer | null }) => (options.mailer === undefined ? mailerFromEnv() : options.mailer)
