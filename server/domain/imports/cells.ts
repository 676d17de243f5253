import { z } from 'zod'
import type { StageDefinition } from '../deals/stages'
import { yearInRange } from '../../../shared/utils/periods'

/** The values of single CSV cells: days, amounts, emails, stages. Pure. */

export const DATE_FORMATS = ['ymd', 'mdy', 'dmy'] as const
export type DateFormat = (typeof DATE_FORMATS)[number]

const DAY = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/
const SLASHED = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/

function isoDay(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d))
  if (!yearInRange(y) || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null
  return date.toISOString().slice(0, 10)
}

/**
 * A day as `YYYY-MM-DD` from ISO 8601, `M/D/YYYY` or `D.M.YYYY`; `dateFormat` settles which of
 * day and month comes first in slashed and dotted dates. `null` for an empty cell; an Error
 * for a value that is not a date.
 */
export function parseDay(text: string, format?: DateFormat): string | null | Error {
  const value = text.trim()
  if (!value) return null
  let match = DAY.exec(value)
  if (match) {
    if (format && format !== 'ymd') return new Error(`"${value}" is not ${format === 'mdy' ? 'M/D/YYYY' : 'D/M/YYYY'}`)
    return isoDay(+match[1]!, +match[2]!, +match[3]!) ?? new Error(`"${value}" is not a date`)
  }
  match = SLASHED.exec(value) ?? DOTTED.exec(value)
  if (match) {
    const dayFirst = format ? format === 'dmy' : value.includes('.')
    if (format === 'ymd') return new Error(`"${value}" is not YYYY-MM-DD`)
    const [a, b, y] = [+match[1]!, +match[2]!, +match[3]!]
    const day = dayFirst ? isoDay(y, b, a) : isoDay(y, a, b)
    return day ?? new Error(`"${value}" is not a date${format ? '' : ' (set dateFormat if days come first)'}`)
  }
  return new Error(`"${value}" is not a date (YYYY-MM-DD, M/D/YYYY or D.M.YYYY)`)
}

/** An amount such as `1054`, `1,054.50`, `$1 054` or `-20`. `null` for an empty cell. */
export function parseAmount(text: string): number | null | Error {
  const value = text.trim().replace(/^[$€£]/, '').replace(/[\s,]/g, '')
  if (!value) return null
  if (!/^-?\d+(\.\d+)?$/.test(value)) return new Error(`"${text.trim()}" is not an amount`)
  const amount = Number(value)
  if (Math.abs(amount) >= 1e12) return new Error(`"${text.trim()}" is too large`)
  return amount
}

const EMAIL = z.email().max(320)
export function parseEmail(text: string | undefined): string | null | Error {
  const value = text?.trim()
  if (!value) return null
  return EMAIL.safeParse(value).success ? value.toLowerCase() : new Error(`"${value}" is not an email address`)
}

/** The tenant's stage for a value in the file: through the stage map, else by key or name (any case). */
export function resolveStage(
  value: string,
  stages: readonly StageDefinition[],
  stageMap: Record<string, string> = {},
): StageDefinition | Error {
  const raw = value.trim()
  const lower = raw.toLowerCase()
  const mapped = stageMap[raw] ?? Object.entries(stageMap).find(([k]) => k.trim().toLowerCase() === lower)?.[1]
  const wanted = (mapped ?? raw).toLowerCase()
  const stage = stages.find(s => s.key === wanted) ?? stages.find(s => s.name.toLowerCase() === wanted)
  if (stage) return stage
  if (mapped) return new Error(`stageMap sends "${raw}" to "${mapped}", which is not a stage of this pipeline`)
  return new Error(
    raw ? `stage "${raw}" is not in the pipeline (${stages.map(s => s.key).join(', ')}); map it with stageMap` : 'stage is empty',
  )
}
