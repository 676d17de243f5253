/** An event as the timelines answer it. */
export interface TimelineEvent {
  id: string
  type: string
  occurredAt: string
  source: string
  actorUserId?: string | null
  actorEmail?: string | null
  dealId?: string | null
  contactId?: string | null
  accountId?: string | null
  metadata: Record<string, unknown>
}

/** What an email tracking event (opened, clicked …) refers to: the message as it was sent or received. */
export interface TimelineMessage { subject: string | null, from: string | null, to: string | null }

/**
 * The names a page of timeline events refers to, resolved by the server in one go and only as far
 * as the caller may see them: a contact, deal or message the caller cannot see is left out.
 */
export interface TimelineRefs {
  /** User id -> name (actors, owners, mentioned people). */
  users: Record<string, string>
  /** Contact id -> full name (the event's contact, meeting attendees). */
  contacts: Record<string, string>
  /** Deal id -> its name and currency (the currency of amount changes). */
  deals: Record<string, { name: string, currency: string }>
  /** Stage key -> the tenant's name for it. */
  stages: Record<string, string>
  /** RFC Message-ID, without its angle brackets -> the message, for tracking events that carry only the id. */
  messages: Record<string, TimelineMessage>
  /** A note's `@mention` as written (lower-cased) -> the user it names. */
  mentions: Record<string, string>
}

export interface TimelinePage { data: TimelineEvent[], nextCursor: string | null, refs: TimelineRefs }
