/**
 * What CSV columns can be mapped to, per import kind (docs/api.md, "Import and export"): used by the
 * server's import and by the import page. Custom field keys of the kind come on top.
 */
export const IMPORT_TARGETS = {
  deals: {
    fields: [
      'externalId',
      'name',
      'amount',
      'currency',
      'stage',
      'closeDate',
      'createdAt',
      'stageEnteredAt',
      'ownerEmail',
      'ownerName',
      'accountName',
      'contactEmail',
      'source',
      'product',
    ],
    /** Each inner list: at least one of these must be mapped. */
    required: [['externalId'], ['stage']],
  },
  accounts: {
    fields: ['externalId', 'name', 'domain', 'industry', 'ownerEmail', 'ownerName'],
    required: [['name']],
  },
  contacts: {
    fields: ['externalId', 'firstName', 'lastName', 'email', 'phone', 'title', 'accountName', 'ownerEmail', 'ownerName'],
    required: [
      ['email', 'externalId'],
      ['firstName', 'email'],
    ],
  },
  events: {
    fields: [
      'externalId',
      'type',
      'occurredAt',
      'dealExternalId',
      'contactEmail',
      'accountName',
      'actorEmail',
      'subject',
      'body',
      'outcome',
      'durationMinutes',
    ],
    required: [['externalId'], ['type'], ['occurredAt'], ['dealExternalId', 'contactEmail', 'accountName']],
  },
} as const satisfies Record<string, { fields: readonly string[], required: readonly (readonly string[])[] }>

export type ImportTargetKind = keyof typeof IMPORT_TARGETS

/** Common column names for each target, for a first guess at the mapping. */
const SYNONYMS: Record<string, string[]> = {
  externalId: ['id', 'external id', 'opportunity id', 'record id', 'deal id'],
  name: ['name', 'deal name', 'opportunity', 'title', 'account', 'company'],
  amount: ['amount', 'value', 'close value', 'deal value'],
  stage: ['stage', 'deal stage', 'status'],
  closeDate: ['close date', 'expected close'],
  createdAt: ['created', 'created at', 'engage date', 'create date'],
  stageEnteredAt: ['stage entered', 'stage entered at', 'stage date', 'last stage change date', 'laststagechangedate', 'stage changed'],
  ownerEmail: ['owner email'],
  ownerName: ['owner', 'sales agent', 'rep', 'owner name'],
  accountName: ['account', 'company', 'account name', 'organization'],
  contactEmail: ['contact email'],
  industry: ['industry', 'sector'],
  firstName: ['first name', 'firstname', 'given name'],
  lastName: ['last name', 'lastname', 'surname'],
  occurredAt: ['date', 'when', 'occurred at', 'timestamp'],
}

const plain = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()

/** The header column that most likely holds a target, if any. Pure. */
export function guessColumn(target: string, header: readonly string[]): string | undefined {
  const names = [plain(target.replace(/([A-Z])/g, ' $1')), ...(SYNONYMS[target] ?? [])]
  for (const name of names) {
    const hit = header.find(h => plain(h) === name)
    if (hit) return hit
  }
  return undefined
}

/** The cells of one CSV line (RFC 4180 quoting), for reading a header row in the browser. Pure. */
export function csvCells(line: string): string[] {
  const cells: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"'
        i++
      }
      else if (c === '"') quoted = false
      else cell += c
    }
    else if (c === '"') quoted = true
    else if (c === ',') {
      cells.push(cell.trim())
      cell = ''
    }
    else cell += c
  }
  cells.push(cell.trim())
  return cells
}
