import { formatDay } from './board'

/** The custom fields of a record type as the API defines them, and what the forms send and the pages show. */
export type CustomFieldType = 'text' | 'number' | 'date' | 'boolean' | 'select'
export type CustomEntity = 'deal' | 'account' | 'contact' | 'lead'
export interface CustomField {
  key: string
  label: string
  type: CustomFieldType
  options: string[]
  required: boolean
}

export const CUSTOM_FIELD_TYPE_LABELS: Record<CustomFieldType, string> = {
  text: 'Text',
  number: 'Number',
  date: 'Date',
  boolean: 'Yes / no',
  select: 'Choice',
}

/** The custom values a form sends: emptied fields as null (cleared), numbers typed as text as numbers, the rest as is. */
export function customBody(fields: readonly CustomField[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const field of fields) {
    const value = values[field.key]
    if (value === undefined) continue
    out[field.key] = value === '' || value === null
      ? null
      : field.type === 'number' && typeof value === 'string'
        ? Number(value)
        : value
  }
  return out
}

/** A custom value as people read it: `Yes`, `Mar 31, 2027`, `12,500`; '' when unset. */
export function formatCustomValue(field: CustomField, value: unknown): string {
  if (value === undefined || value === null || value === '') return ''
  switch (field.type) {
    case 'boolean':
      return value === true ? 'Yes' : value === false ? 'No' : String(value)
    case 'number':
      return typeof value === 'number' ? value.toLocaleString('en-US') : String(value)
    case 'date':
      return formatDay(String(value))
    default:
      return String(value)
  }
}

/** A field key from its label: `Contract end` -> `contract_end` (lowercase letters, digits and _, starting with a letter). */
export function fieldKeyOf(label: string): string {
  const key = label.normalize('NFKD').replace(/[\u0300-\u036F]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^[^a-z]+|_+$/g, '')
  return key.slice(0, 40)
}
