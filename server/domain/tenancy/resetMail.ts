import type { Mailer } from '../email/mailer'

/** The reset email: the link, what it is for, how long it works. Pure. */
export function resetMail(to: { email: string, name: string }, link: string) {
  return {
    to: to.email,
    subject: 'Reset your Momentum password',
    text: [
      `Hello ${to.name},`,
      '',
      'Someone (we hope you) asked to reset the password of your Momentum account. Choose a new one here:',
      '',
      link,
      '',
      'The link works once, for one hour. Every session of your account ends when you use it.',
      'If you did not ask for this, ignore this email: your password stays as it is.',
    ].join('\n'),
  }
}

/**
 * Sends the link, or without SMTP prints it to the console in development (never in production,
 * where only the fact that nothing was sent is logged).
 */
export async function deliverResetLink(mailer: Mailer | null, to: { email: string, name: string }, link: string, production: boolean) {
  if (mailer) {
    await mailer.send(resetMail(to, link))
    return
  }
  if (production) console.warn('[password reset] SMTP is not configured: no reset email was sent')
  else console.info(`[password reset] SMTP is not configured; the reset link (development only): ${link}`)
}
