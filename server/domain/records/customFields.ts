import { and, asc, eq } from 'drizzle-orm'
import { z } from 'zod'
import { CUSTOM_FIELD_ENTITIES, CUSTOM_FIELD_TYPES, customFields } from '../../../db/schema'
import type { Tx } from '../core/db'
import { badRequest, invalidInput } from '../core/errors'
import { YEAR_RANGE, yearInRange } from '../../../shared/utils/periods'

export type CustomEntity = (typeof CUSTOM_FIELD_ENTITIES)[number]
export type CustomValues = Record<string, unknown>

export const CustomFieldSchema = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lowercase letters, digits and _'),
  label: z.string().trim().min(1).max(100),
  type: z.enum(CUSTOM_FIELD_TYPES),
  options: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
  required: z.boolean().default(false),
}).strict().refine(f => f.type !== 'select' || f.options.length > 0, { path: ['options'], message: 'a select field needs options' })
export const CustomFieldsBodySchema = z.object({ fields: z.array(CustomFieldSchema).max(50) }).strict()
export const CustomEntitySchema = z.object({ entity: z.enum(CUSTOM_FIELD_ENTITIES) })

/** A record's `custom` values as the API takes them: keys to values, `null` to clear one. */
export const CustomValuesSchema = z.record(z.string().max(40), z.unknown()).refine(v => Object.keys(v).length <= 50, 'at most 50 fields')

export interface FieldDefinition {
  key: string
  label: string
  type: (typeof CUSTOM_FIELD_TYPES)[number]
  options: string[]
  required: boolean
}

function checkValue(def: FieldDefinition, value: unknown): string | null {
  switch (def.type) {
    case 'text':
      return typeof value === 'string' && value.length <= 2000 ? null : 'text of at most 2,000 characters'
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'a number'
    case 'boolean':
      return typeof value === 'boolean' ? null : 'true or false'
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))
        ? yearInRange(Number(value.slice(0, 4)))
          ? null
          : YEAR_RANGE
        : 'a date as YYYY-MM-DD'
    case 'select':
      return typeof value === 'string' && def.options.includes(value) ? null : `one of ${def.options.join(', ')}`
  }
}

/**
 * Checks custom values against the tenant's definitions and answers the record's new `custom`
 * (existing values merged with the given ones; `null` clears a field). Pure.
 */
export function applyCustomValues(
  defs: readonly FieldDefinition[],
  existing: CustomValues,
  given: CustomValues | undefined,
): { custom: CustomValues, issues: { path: string, message: string }[] } {
  const issues: { path: string, message: string }[] = []
  const values = new Map(Object.entries(existing))
  for (const [key, value] of Object.entries(given ?? {})) {
    const def = defs.find(d => d.key === key)
    if (!def) {
      issues.push({ path: `custom.${key}`, message: 'no such field' })
      continue
    }
    if (value === null) {
      values.delete(key)
      continue
    }
    const problem = checkValue(def, value)
    if (problem) issues.push({ path: `custom.${key}`, message: `must be ${problem}` })
    else values.set(key, value)
  }
  const custom: CustomValues = Object.fromEntries(values)
  for (const def of defs) {
    if (def.required && (custom[def.key] === undefined || custom[def.key] === ''))
      issues.push({ path: `custom.${def.key}`, message: `${def.label} is required` })
  }
  return { custom, issues }
}

export async function fieldDefinitions(tx: Tx, tenantId: string, entity: CustomEntity): Promise<FieldDefinition[]> {
  return tx
    .select({
      key: customFields.key,
      label: customFields.label,
      type: customFields.type,
      options: customFields.options,
      required: customFields.required,
    })
    .from(customFields)
    .where(and(eq(customFields.tenantId, tenantId), eq(customFields.entity, entity)))
    .orderBy(asc(customFields.position))
}

/** The record's new `custom` value, or 400 naming each bad field. */
export async function checkCustom(tx: Tx, tenantId: string, entity: CustomEntity, existing: CustomValues, given: CustomValues | undefined) {
  const { custom, issues } = applyCustomValues(await fieldDefinitions(tx, tenantId, entity), existing, given)
  if (issues.length) throw invalidInput(issues)
  return custom
}

/** Replaces the field definitions of one record type. */
export async function replaceFields(
  tx: Tx,
  tenantId: string,
  entity: CustomEntity,
  fields: z.output<typeof CustomFieldsBodySchema>['fields'],
) {
  const seen = new Set<string>()
  const duplicate = fields.findIndex(f => seen.size === seen.add(f.key).size)
  if (duplicate >= 0) throw badRequest(`fields.${duplicate}.key`, 'appears twice')
  await tx.delete(customFields).where(and(eq(customFields.tenantId, tenantId), eq(customFields.entity, entity)))
  if (fields.length) await tx.insert(customFields).values(fields.map((f, position) => ({ ...f, tenantId, entity, position })))
  return fieldDefinitions(tx, tenantId, entity)
}
