import type { ForecastCategory, StageKind } from '../../../db/schema'

export interface StageDefinition {
  key: string
  name: string
  position: number
  probability: number
  forecastCategory: ForecastCategory
  kind: StageKind
  allowedNext: string[]
}

const OPEN = ['new', 'contacted', 'qualified', 'proposal', 'negotiation'] as const

/**
 * The default pipeline: new -> contacted -> qualified -> proposal -> negotiation -> won,
 * any open stage -> lost, and lost -> new to reopen.
 */
export const DEFAULT_STAGES: readonly StageDefinition[] = [
  { key: 'new', name: 'New', position: 1, probability: 5, forecastCategory: 'pipeline', kind: 'open', allowedNext: ['contacted', 'lost'] },
  {
    key: 'contacted',
    name: 'Contacted',
    position: 2,
    probability: 10,
    forecastCategory: 'pipeline',
    kind: 'open',
    allowedNext: ['qualified', 'lost'],
  },
  {
    key: 'qualified',
    name: 'Qualified',
    position: 3,
    probability: 25,
    forecastCategory: 'pipeline',
    kind: 'open',
    allowedNext: ['proposal', 'lost'],
  },
  {
    key: 'proposal',
    name: 'Proposal',
    position: 4,
    probability: 50,
    forecastCategory: 'best_case',
    kind: 'open',
    allowedNext: ['negotiation', 'lost'],
  },
  {
    key: 'negotiation',
    name: 'Negotiation',
    position: 5,
    probability: 75,
    forecastCategory: 'commit',
    kind: 'open',
    allowedNext: ['won', 'lost'],
  },
  { key: 'won', name: 'Won', position: 6, probability: 100, forecastCategory: 'closed', kind: 'won', allowedNext: [] },
  { key: 'lost', name: 'Lost', position: 7, probability: 0, forecastCategory: 'omitted', kind: 'lost', allowedNext: ['new'] },
]

export const OPEN_STAGE_KEYS: readonly string[] = OPEN

export type TransitionCheck
  = | { ok: true, from: StageDefinition, to: StageDefinition }
    | { ok: false, reason: 'unknown_stage' | 'same_stage' | 'invalid_transition', allowed: string[] }

/** Whether a deal may move from one stage to another in this pipeline. Pure. */
export function checkTransition(stages: readonly StageDefinition[], fromKey: string, toKey: string): TransitionCheck {
  const from = stages.find(s => s.key === fromKey)
  const to = stages.find(s => s.key === toKey)
  const allowed = from ? [...from.allowedNext] : []
  if (!from || !to) return { ok: false, reason: 'unknown_stage', allowed }
  if (from.key === to.key) return { ok: false, reason: 'same_stage', allowed }
  if (!from.allowedNext.includes(to.key)) return { ok: false, reason: 'invalid_transition', allowed }
  return { ok: true, from, to }
}

/** The path of allowed moves from one stage to another (breadth-first), or null if none. */
export function pathBetween(stages: readonly StageDefinition[], fromKey: string, toKey: string): string[] | null {
  const queue: string[][] = [[fromKey]]
  const seen = new Set([fromKey])
  while (queue.length) {
    const path = queue.shift()!
    const last = path[path.length - 1]!
    if (last === toKey) return path.slice(1)
    for (const next of stages.find(s => s.key === last)?.allowedNext ?? []) {
      if (!seen.has(next)) {
        seen.add(next)
        queue.push([...path, next])
      }
    }
  }
  return null
}
