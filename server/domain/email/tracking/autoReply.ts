/**
 * Auto-replies: out-of-office answers and other machine-written mail that comes back in a thread.
 * They are stored (flagged `metadata.autoReply`) but never count as the buyer engaging. Pure.
 *
 * Signs, in the order checked: the RFC 3834 `Auto-Submitted` header (anything but "no"),
 * `X-Autoreply` / `X-Autorespond`, Microsoft's `X-Auto-Response-Suppress`, `Precedence:
 * auto_reply` (or bulk/junk/list answers), and out-of-office subjects in the common languages.
 */

const OUT_OF_OFFICE_SUBJECT = new RegExp(
  [
    'out of (the )?office',
    'automatic reply',
    'auto[- ]?reply',
    'autoreply',
    'away from (the )?office',
    'on vacation',
    'on leave',
    'on holiday',
    'abwesenheit',
    'automatische antwort',
    'nicht im büro', // German
    'absence',
    'réponse automatique',
    'reponse automatique',
    'absent du bureau', // French
    'fuera de la oficina',
    'respuesta automática',
    'respuesta automatica',
    'ausente', // Spanish
    'fuori ufficio',
    'risposta automatica', // Italian
    'afwezig',
    'automatisch antwoord',
    'niet op kantoor', // Dutch
    'ausente do escritório',
    'resposta automática',
    'fora do escritório', // Portuguese
    'frånvaro',
    'automatiskt svar',
    'fravær',
    'automatisk svar',
    'poza biurem',
    'automatyczna odpowiedź', // Nordic, Polish
    '自動返信',
    '不在',
    '自动回复',
    '외출',
    '자동 응답', // Japanese, Chinese, Korean
  ].join('|'),
  'i',
)

export type HeaderValue = string | string[] | undefined | null

/** Header lookups by lower-case name, from a map, a plain object or name/value pairs. */
export function headerReader(headers: unknown): (name: string) => string | null {
  const table = new Map<string, string>()
  const put = (name: unknown, value: unknown) => {
    if (typeof name !== 'string') return
    // mailparser gives structured headers as { value, params }.
    const plain = (v: unknown): string =>
      v === undefined || v === null
        ? ''
        : typeof v === 'object' && 'value' in v
          ? plain((v as { value: unknown }).value)
          : typeof v === 'object'
            ? JSON.stringify(v)
            : String(v)
    const text = Array.isArray(value) ? value.map(plain).join(', ') : plain(value)
    table.set(name.toLowerCase(), text)
  }
  if (headers instanceof Map) for (const [k, v] of headers) put(k, v)
  else if (Array.isArray(headers)) {
    for (const h of headers) {
      if (Array.isArray(h)) put(h[0], h[1])
      else if (h && typeof h === 'object')
        put(
          (h as Record<string, unknown>).name ?? (h as Record<string, unknown>).Name,
          (h as Record<string, unknown>).value ?? (h as Record<string, unknown>).Value,
        )
    }
  }
  else if (headers && typeof headers === 'object') for (const [k, v] of Object.entries(headers)) put(k, v)
  return name => table.get(name.toLowerCase()) ?? null
}

/** Why a message looks machine-written (the header or subject that says so), or null for a person's mail. */
export function autoReplyReason(headers: unknown, subject: string | null | undefined): string | null {
  const header = headerReader(headers)
  const submitted = header('auto-submitted')
  if (submitted && submitted.trim().toLowerCase() !== 'no') return 'auto-submitted'
  if (header('x-autoreply') || header('x-autorespond') || header('x-autoresponder')) return 'x-autoreply'
  if (header('x-auto-response-suppress')) return 'x-auto-response-suppress'
  const precedence = header('precedence')?.trim().toLowerCase()
  if (precedence && ['auto_reply', 'auto-reply', 'bulk', 'junk', 'list'].includes(precedence)) return `precedence: ${precedence}`
  if (subject && OUT_OF_OFFICE_SUBJECT.test(subject)) return 'out-of-office subject'
  return null
}

/**
 * An `email_received` event's metadata with the auto-reply flag set when its headers or subject
 * say so (`autoReply: true`, `autoReplyReason`); any other metadata unchanged. Pure.
 */
export function flagAutoReply(type: string, metadata: Record<string, unknown>): Record<string, unknown> {
  if (type !== 'email_received' || metadata.autoReply === true) return metadata
  const reason = autoReplyReason(metadata.headers, typeof metadata.subject === 'string' ? metadata.subject : null)
  return reason ? { ...metadata, autoReply: true, autoReplyReason: reason } : metadata
}
