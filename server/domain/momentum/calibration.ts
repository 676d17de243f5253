import { eq, sql } from 'drizzle-orm'
import { momentumWeights } from '../../../db/schema'
import { queryRows } from '../../../db/client'
import { andWhere, ownerIn, type Tx } from '../db'
import { REASON_CODES, WEIGHTS, type ReasonCode, type Weights } from './rules'

/** Closed deals needed on each side before a tenant's weights are fitted to its own history. */
export const MIN_WON = 100
export const MIN_LOST = 100
/** How many closed deals the prior weights count as, per rule. */
const PRIOR_DEALS = 50
/** Score points per unit of log-odds when turning an observed effect into a weight. */
const POINTS_PER_LOGIT = 12
/** A rule must have fired on this many closed deals before its own history counts. */
const MIN_FIRED = 10

export interface Outcome { score: number, won: boolean, codes: readonly string[] }

export const BANDS = [[0, 19], [20, 39], [40, 59], [60, 79], [80, 100]] as const

/** Per score band: how many closed deals had their last score there, and what share was won. Pure. */
export function calibrationBands(outcomes: readonly Outcome[]) {
  return BANDS.map(([from, to]) => {
    const inBand = outcomes.filter(o => o.score >= from && o.score <= to)
    const won = inBand.filter(o => o.won).length
    return { band: `${from}-${to}`, from, to, deals: inBand.length, won, winRate: inBand.length ? Math.round((won / inBand.length) * 1000) / 1000 : null }
  })
}

const logit = (p: number) => Math.log(p / (1 - p))

/**
 * Weights fitted to a tenant's outcomes, with the rule weights as the prior: for each rule, the
 * log-odds of winning when it fired against all closed deals, in score points, blended with the
 * prior weight by how many deals it fired on. `null` until there are enough won and lost deals. Pure.
 */
export function fitWeights(outcomes: readonly Outcome[], prior: Weights = WEIGHTS): Weights | null {
  const won = outcomes.filter(o => o.won).length
  const lost = outcomes.length - won
  if (won < MIN_WON || lost < MIN_LOST) return null
  const base = logit((won + 1) / (outcomes.length + 2))
  const fitted = { ...prior }
  for (const code of REASON_CODES) {
    const fired = outcomes.filter(o => o.codes.includes(code))
    if (fired.length < MIN_FIRED) continue
    const p = (fired.filter(o => o.won).length + 1) / (fired.length + 2)
    const observed = (logit(p) - base) * POINTS_PER_LOGIT
    fitted[code] = Math.round(((PRIOR_DEALS * prior[code] + fired.length * observed) / (PRIOR_DEALS + fired.length)) * 10) / 10
  }
  return fitted
}

/** Each closed deal with its last score before it closed (deals scored at least once); of `owners` only, when given (see ownersOf). */
export function closedOutcomes(tx: Tx, tenantId: string, owners: readonly string[] | null = null): Promise<Outcome[]> {
  // From the closed deals, each one's latest score by the history's index (one probe a deal).
  return queryRows<Outcome>(tx, sql`
    select h.score, (s.kind = 'won') as won, h.codes
    from deals d
    join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage and s.kind in ('won', 'lost')
    cross join lateral (
      select h.score, h.reason_codes as codes from deal_score_history h
      where h.tenant_id = d.tenant_id and h.deal_id = d.id and h.day <= coalesce((d.closed_at at time zone 'UTC')::date, h.day)
      order by h.day desc limit 1
    ) h
    where d.tenant_id = ${tenantId}::uuid ${andWhere(ownerIn(sql`d.owner_id`, owners))}
    order by d.id`)
}

/** The calibration table over the deals of `owners` (all when null), and the tenant's weights in use (fitted or the rules' own). */
export async function calibration(tx: Tx, tenantId: string, owners: readonly string[] | null = null) {
  const outcomes = await closedOutcomes(tx, tenantId, owners)
  const [stored] = await tx.select().from(momentumWeights).where(eq(momentumWeights.tenantId, tenantId))
  const won = outcomes.filter(o => o.won).length
  return {
    bands: calibrationBands(outcomes),
    closed: { won, lost: outcomes.length - won },
    needed: { won: MIN_WON, lost: MIN_LOST },
    weights: {
      source: stored ? 'fitted' as const : 'rules' as const,
      fittedAt: stored?.fittedAt ?? null,
      values: Object.fromEntries(REASON_CODES.map(code => [code, { rule: WEIGHTS[code], used: stored?.weights[code] ?? WEIGHTS[code] }])) as Record<ReasonCode, { rule: number, used: number }>,
    },
  }
}

/** Refits and stores a tenant's weights when its history allows; answers the weights to use. */
export async function refitWeights(tx: Tx, tenantId: string, now: Date): Promise<Weights> {
  const outcomes = await closedOutcomes(tx, tenantId)
  const fitted = fitWeights(outcomes)
  if (!fitted) {
    await tx.delete(momentumWeights).where(eq(momentumWeights.tenantId, tenantId))
    return { ...WEIGHTS }
  }
  const won = outcomes.filter(o => o.won).length
  const values = { tenantId, weights: fitted, won, lost: outcomes.length - won, fittedAt: now }
  await tx.insert(momentumWeights).values(values).onConflictDoUpdate({ target: momentumWeights.tenantId, set: values })
  return fitted
}
