import type { EventType, ForecastCategory, SalesforceObject, StageKind } from '../../../../db/schema'

/**
 * Salesforce records -> Momentum rows and events. Pure: no database, no clock but the one given.
 * Field names are Salesforce's (REST API, JSON); dates come as `2026-03-01T09:30:00.000+0000`
 * and `2026-03-01`.
 */

export type SfRecord = Record<string, unknown> & { Id: string, SystemModstamp: string, IsDeleted?: boolean }

/** The fields each query selects (all standard fields, present in every edition). */
export const FIELDS: Record<SalesforceObject, readonly string[]> = {
  Account: ['Id', 'Name', 'Website', 'Industry', 'OwnerId', 'IsDeleted', 'SystemModstamp'],
  Contact: ['Id', 'FirstName', 'LastName', 'Email', 'Phone', 'Title', 'AccountId', 'OwnerId', 'IsDeleted', 'SystemModstamp'],
  Opportunity: ['Id', 'Name', 'AccountId', 'Amount', 'CloseDate', 'StageName', 'Probability', 'ForecastCategoryName', 'IsClosed', 'IsWon',
    'OwnerId', 'Type', 'LeadSource', 'CreatedDate', 'LastStageChangeDate', 'IsDeleted', 'SystemModstamp'],
  OpportunityContactRole: ['Id', 'OpportunityId', 'ContactId', 'Role', 'IsDeleted', 'SystemModstamp'],
  Task: ['Id', 'Subject', 'TaskSubtype', 'Type', 'Status', 'IsClosed', 'ActivityDate', 'CompletedDateTime', 'CallDurationInSeconds',
    'CallDisposition', 'WhoId', 'WhatId', 'AccountId', 'OwnerId', 'CreatedDate', 'IsDeleted', 'SystemModstamp'],
  Event: ['Id', 'Subject', 'StartDateTime', 'EndDateTime', 'DurationInMinutes', 'WhoId', 'WhatId', 'AccountId', 'OwnerId',
    'CreatedDate', 'IsDeleted', 'SystemModstamp'],
}

/** A SOQL datetime literal (UTC, no quotes). */
export const soqlDateTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')

/**
 * The incremental query of one object: everything changed since the watermark less an overlap
 * (a record's SystemModstamp can land a little in the past of a commit), in a stable order so
 * the last record of a committed page is the next watermark. Run through queryAll, it also
 * returns deleted records (IsDeleted = true).
 */
export function incrementalQuery(object: SalesforceObject, watermark: Date | null, overlapMs: number): string {
  const since = watermark ? ` WHERE SystemModstamp > ${soqlDateTime(new Date(watermark.getTime() - overlapMs))}` : ''
  return `SELECT ${FIELDS[object].join(', ')} FROM ${object}${since} ORDER BY SystemModstamp, Id`
}

/** The User query that resolves owners to emails. Ids are checked, so nothing else reaches the SOQL. */
export function usersQuery(ids: readonly string[]): string {
  const safe = ids.filter(id => /^[a-zA-Z0-9]{15,18}$/.test(id))
  return `SELECT Id, Email, Name, IsActive FROM User WHERE Id IN (${safe.map(id => `'${id}'`).join(', ')})`
}

/** A Salesforce datetime or date as a Date; null for anything else. */
export function sfDate(value: unknown): Date | null {
  if (typeof value !== 'string' || !value) return null
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? null : d
}

const text = (value: unknown, max = 500): string | null => (typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : null)
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null)

/** `https://www.acme.com/about` -> `acme.com`. */
export function domainOf(website: unknown): string | null {
  const raw = text(website)
  if (!raw) return null
  try {
    return new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`).hostname.replace(/^www\./, '').toLowerCase() || null
  }
  catch {
    return null
  }
}

/** What a Salesforce Id points at, by its key prefix. */
export function kindOfId(id: unknown): 'account' | 'contact' | 'deal' | 'lead' | 'user' | null {
  if (typeof id !== 'string' || id.length < 15) return null
  return ({ '001': 'account', '003': 'contact', '006': 'deal', '00Q': 'lead', '005': 'user' } as const)[id.slice(0, 3)] ?? null
}

export interface AccountFields {
  externalId: string
  name: string
  domain: string | null
  industry: string | null
  ownerSfId: string | null
}
export const mapAccount = (r: SfRecord): AccountFields => ({
  externalId: r.Id,
  name: text(r.Name, 255) ?? r.Id,
  domain: domainOf(r.Website),
  industry: text(r.Industry, 120),
  ownerSfId: text(r.OwnerId),
})

export interface ContactFields {
  externalId: string
  firstName: string
  lastName: string
  email: string | null
  phone: string | null
  title: string | null
  accountSfId: string | null
  ownerSfId: string | null
}
export const mapContact = (r: SfRecord): ContactFields => ({
  externalId: r.Id,
  firstName: text(r.FirstName, 120) ?? '',
  lastName: text(r.LastName, 120) ?? '',
  email: text(r.Email, 320)?.toLowerCase() ?? null,
  phone: text(r.Phone, 60),
  title: text(r.Title, 200),
  accountSfId: text(r.AccountId),
  ownerSfId: text(r.OwnerId),
})

/** Salesforce's standard opportunity stages -> the default pipeline's stage keys. */
export const DEFAULT_STAGE_MAP: Readonly<Record<string, string>> = {
  'Prospecting': 'new',
  'Qualification': 'contacted',
  'Needs Analysis': 'qualified',
  'Value Proposition': 'qualified',
  'Id. Decision Makers': 'proposal',
  'Perception Analysis': 'proposal',
  'Proposal/Price Quote': 'proposal',
  'Negotiation/Review': 'negotiation',
  'Closed Won': 'won',
  'Closed Lost': 'lost',
}

export interface StageOption { key: string, kind: StageKind, probability: number }

/**
 * The tenant's stage for a Salesforce StageName: the tenant's own map, then the defaults (when
 * the tenant has that stage), then by meaning — IsWon to the first won stage, IsClosed to the
 * first lost one, an open stage to the open stage whose probability is nearest.
 */
export function mapStage(
  sf: { stageName: string | null, isClosed: boolean, isWon: boolean, probability: number | null },
  stageMap: Readonly<Record<string, string>>,
  stages: readonly StageOption[],
): string {
  const has = (key: string | undefined) => (key && stages.some(s => s.key === key) ? key : undefined)
  const mapped = sf.stageName ? (has(stageMap[sf.stageName]) ?? has(DEFAULT_STAGE_MAP[sf.stageName])) : undefined
  if (mapped) return mapped
  const kind: StageKind = sf.isWon ? 'won' : sf.isClosed ? 'lost' : 'open'
  const candidates = stages.filter(s => s.kind === kind)
  if (!candidates.length) return stages[0]!.key
  const target = sf.probability ?? 0
  return candidates.reduce((best, s) =>
    kind === 'open' && Math.abs(s.probability - target) < Math.abs(best.probability - target) ? s : best,
  ).key
}

const FORECAST: Record<string, ForecastCategory> = {
  'Pipeline': 'pipeline',
  'Best Case': 'best_case',
  'Commit': 'commit',
  'Closed': 'closed',
  'Omitted': 'omitted',
}
export const mapForecastCategory = (name: unknown): ForecastCategory | null => (typeof name === 'string' ? FORECAST[name] ?? null : null)

export interface DealFields {
  externalId: string
  name: string
  accountSfId: string | null
  ownerSfId: string | null
  stage: string
  amount: string
  closeDate: string | null
  probability: number | null
  forecastCategory: ForecastCategory | null
  product: string | null
  createdAt: Date | null
  stageChangedAt: Date | null
  modifiedAt: Date
}

export function mapOpportunity(r: SfRecord, stageMap: Readonly<Record<string, string>>, stages: readonly StageOption[]): DealFields {
  const probability = num(r.Probability)
  return {
    externalId: r.Id,
    name: text(r.Name, 255) ?? r.Id,
    accountSfId: text(r.AccountId),
    ownerSfId: text(r.OwnerId),
    stage: mapStage(
      { stageName: text(r.StageName), isClosed: r.IsClosed === true, isWon: r.IsWon === true, probability },
      stageMap,
      stages,
    ),
    amount: (num(r.Amount) ?? 0).toFixed(2),
    closeDate: typeof r.CloseDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(r.CloseDate) ? r.CloseDate : null,
    probability: probability === null ? null : Math.max(0, Math.min(100, Math.round(probability))),
    forecastCategory: mapForecastCategory(r.ForecastCategoryName),
    product: text(r.Type, 200),
    createdAt: sfDate(r.CreatedDate),
    stageChangedAt: sfDate(r.LastStageChangeDate),
    modifiedAt: sfDate(r.SystemModstamp) ?? new Date(0),
  }
}

export interface ContactRoleFields { externalId: string, dealSfId: string | null, contactSfId: string | null, role: string | null }
export const mapContactRole = (r: SfRecord): ContactRoleFields => ({
  externalId: r.Id, dealSfId: text(r.OpportunityId), contactSfId: text(r.ContactId), role: text(r.Role, 120),
})

/** An activity as an event, with its Salesforce references still to resolve. */
export interface ActivityFields {
  externalId: string
  type: EventType
  occurredAt: Date
  ownerSfId: string | null
  who: string | null
  what: string | null
  accountSfId: string | null
  metadata: Record<string, unknown>
}

/**
 * A Task: a logged call is `call`, an email `email_sent`, any other task `task_completed` once
 * it is closed. An open task is not activity yet (null): it is read again when it changes.
 */
export function mapTask(r: SfRecord): ActivityFields | null {
  const subtype = text(r.TaskSubtype) ?? text(r.Type)
  const type: EventType | null
    = subtype === 'Call'
      ? 'call'
      : subtype === 'Email' || subtype === 'ListEmail'
        ? 'email_sent'
        : r.IsClosed === true
          ? 'task_completed'
          : null
  if (!type) return null
  const occurredAt = sfDate(r.CompletedDateTime) ?? sfDate(r.ActivityDate) ?? sfDate(r.CreatedDate)
  if (!occurredAt) return null
  const metadata: Record<string, unknown> = { subject: text(r.Subject), salesforceId: r.Id }
  if (type === 'call') Object.assign(metadata, { durationSeconds: num(r.CallDurationInSeconds), outcome: text(r.CallDisposition) })
  return {
    externalId: `Task:${r.Id}`,
    type,
    occurredAt,
    ownerSfId: text(r.OwnerId),
    who: text(r.WhoId),
    what: text(r.WhatId),
    accountSfId: text(r.AccountId),
    metadata,
  }
}

/** An Event (calendar): `meeting_held` at its start once that has passed, else `meeting_scheduled` when it was created. */
export function mapEvent(r: SfRecord, now: Date): ActivityFields | null {
  const start = sfDate(r.StartDateTime)
  if (!start) return null
  const held = start.getTime() <= now.getTime()
  const occurredAt = held ? start : sfDate(r.CreatedDate) ?? start
  return {
    externalId: `Event:${r.Id}:${held ? 'held' : 'scheduled'}`,
    type: held ? 'meeting_held' : 'meeting_scheduled',
    occurredAt,
    ownerSfId: text(r.OwnerId),
    who: text(r.WhoId),
    what: text(r.WhatId),
    accountSfId: text(r.AccountId),
    metadata: { subject: text(r.Subject), salesforceId: r.Id, startsAt: start.toISOString(), durationMinutes: num(r.DurationInMinutes) },
  }
}
