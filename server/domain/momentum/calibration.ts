import { eq, sql } from 'drizzle-orm'
import { momentumWeights } from '../../../db/schema'
import { queryRows } from '../../../db/client'
import { andWhere, ownerIn, type Tx } from '../core/db'
import { closedCounts, defaultRange } from '../forecast/analytics'
import { brier, deciles, fitLogistic, sigmoid } from './logistic'
import { FEATURES, REASON_CODES, SHIPPED_WEIGHTS, WEIGHT_KEYS, type ReasonCode, type Weights } from './model'

/** Closed deals needed on each side before a tenant's own history refines the shipped weights. */
export const MIN_WON = 50
export const MIN_LOST = 50
/**
 * How strongly the shipped weights hold (the L2 pull toward them, in closed deals' worth): a
 * tenant's history moves a weight only as far as its evidence outweighs this.
 */
export const PRIOR_STRENGTH = 40

/** A closed deal with the model's inputs and answer at its last score before it closed. */
export interface Outcome {
  won: boolean
  /** The stage's probability (0-100) and the model's chance (0..1) at that score. */
  stageProbability: number
  winProbability: number
  /** The design row: stage log-odds and each feature's value (see model.designRow). */
  features: Record<string, number>
}

const vectorOf = (features: Record<string, number>) => WEIGHT_KEYS.map(k => (k === 'intercept' ? 1 : features[k] ?? 0))

/**
 * The tenant's weights: the shipped ones refined on its closed deals — a joint logistic fit with
 * the stage's log-odds as the offset and an L2 pull toward the shipped weights (the prior), the
 * sign of each signal kept. `null` until there are enough won and lost deals. Pure.
 */
export function fitWeights(outcomes: readonly Outcome[], prior: Weights = SHIPPED_WEIGHTS): Weights | null {
  const won = outcomes.filter(o => o.won).length
  if (won < MIN_WON || outcomes.length - won < MIN_LOST) return null
  const fitted = fitLogistic({
    x: outcomes.map(o => vectorOf(o.features)),
    y: outcomes.map(o => o.won),
    offset: outcomes.map(o => o.features.stage ?? 0),
  }, {
    lambda: WEIGHT_KEYS.map(k => (k === 'intercept' ? PRIOR_STRENGTH / 4 : PRIOR_STRENGTH)),
    center: WEIGHT_KEYS.map(k => prior[k]),
    signs: WEIGHT_KEYS.map(k => (k === 'intercept' || k === 'stage' ? 0 : FEATURES[k as ReasonCode].sign)),
  })
  return Object.fromEntries(WEIGHT_KEYS.map((k, i) => [k, Math.round(fitted[i]! * 1000) / 1000])) as Weights
}

/** The chance the stage alone gives (its probability), and the model's, for an outcome. */
const stageOnly = (o: Outcome) => Math.min(0.99, Math.max(0.01, o.stageProbability / 100))

/**
 * How the model did on a tenant's closed deals, in figures and in words: per decile of predicted
 * chance the actual win rate, the Brier score against the stage's probability alone, and which
 * signals matter most here (weight times how often and how strongly they apply). Pure.
 */
export function calibrationReport(outcomes: readonly Outcome[], weights: Weights) {
  const won = outcomes.filter(o => o.won).length
  const y = outcomes.map(o => o.won)
  const model = outcomes.length ? brier(outcomes.map(o => o.winProbability), y) : null
  const stage = outcomes.length ? brier(outcomes.map(stageOnly), y) : null
  const curve = outcomes.length >= 10 ? deciles(outcomes.map(o => o.winProbability), y) : []
  const signals = REASON_CODES.map((code) => {
    const applied = outcomes.filter(o => (o.features[code] ?? 0) !== 0)
    const mean = applied.length ? applied.reduce((s, o) => s + o.features[code]!, 0) / applied.length : 0
    const base = outcomes.length ? outcomes.reduce((s, o) => s + o.winProbability, 0) / outcomes.length : 0.3
    const z = Math.log(Math.max(base, 0.01) / Math.max(1 - base, 0.01))
    const points = Math.round((sigmoid(z + weights[code] * (mean || 1)) - sigmoid(z)) * 100)
    return { code, weight: weights[code], deals: applied.length, share: outcomes.length ? applied.length / outcomes.length : 0, points }
  }).filter(s => s.weight !== 0).sort((a, b) => Math.abs(b.points) * (b.share + 0.05) - Math.abs(a.points) * (a.share + 0.05)).slice(0, 6)
  const improvement = model !== null && stage ? (stage - model) / stage : null
  const words: string[] = []
  if (!outcomes.length) words.push('No closed deal has been scored yet: the figures appear as deals close.')
  else {
    words.push(`${outcomes.length} closed deals were scored before they closed: ${won} won, ${outcomes.length - won} lost.`)
    if (improvement !== null) {
      words.push(
        improvement >= 0
          ? `The win probability was ${Math.round(improvement * 100)} % closer to what happened than the stage's probability alone `
          + `(Brier ${model!.toFixed(2)} against ${stage!.toFixed(2)}; lower is better).`
          : `The win probability did ${Math.round(-improvement * 100)} % worse than the stage's probability alone here `
            + `(Brier ${model!.toFixed(2)} against ${stage!.toFixed(2)}): too few deals, or this team sells differently.`,
      )
    }
    const filled = curve.filter(d => d.deals > 0 && d.predicted !== null && d.actual !== null)
    if (filled.length >= 2) {
      const low = filled[0]!
      const high = filled.at(-1)!
      words.push(
        `Of the tenth of deals given the lowest chance (about ${Math.round(low.predicted! * 100)} %), `
        + `${Math.round(low.actual! * 100)} % were won; `
        + `of the highest (about ${Math.round(high.predicted! * 100)} %), ${Math.round(high.actual! * 100)} %.`,
      )
    }
    if (signals[0])
      words.push(
        `What matters most here: ${signals
          .slice(0, 3)
          .map(s => `${s.code.replaceAll('_', ' ')} (${s.points >= 0 ? '+' : ''}${s.points} points)`)
          .join(', ')}.`,
      )
  }
  return {
    /** The closed deals that were scored before they closed: what the weights are refined on. */
    scored: { won, lost: outcomes.length - won },
    brier: { model, stageOnly: stage, improvement },
    curve,
    signals,
    summary: words,
  }
}

/** Each closed deal with the model's inputs at its last score before it closed; of `owners` only, when given (see ownersOf). */
export function closedOutcomes(tx: Tx, tenantId: string, owners: readonly string[] | null = null): Promise<Outcome[]> {
  // From the closed deals, each one's latest scored day with the model's inputs (one probe a deal).
  return queryRows<Outcome>(tx, sql`
    select (s.kind = 'won') as won, h.win_probability::float as "winProbability", h.features,
           coalesce(h.features ->> 'stageProbability', '0')::float as "stageProbability"
    from deals d
    join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage and s.kind in ('won', 'lost')
    cross join lateral (
      select h.win_probability, h.features from deal_score_history h
      where h.tenant_id = d.tenant_id and h.deal_id = d.id and h.features is not null
        and h.day <= coalesce((d.closed_at at time zone 'UTC')::date, h.day)
      order by h.day desc limit 1
    ) h
    where d.tenant_id = ${tenantId}::uuid ${andWhere(ownerIn(sql`d.owner_id`, owners))}
    order by d.id`)
}

/** The weights a tenant's scores use: its refined ones when stored, else the shipped ones. */
export async function tenantWeights(tx: Tx, tenantId: string): Promise<Weights> {
  const [stored] = await tx.select({ weights: momentumWeights.weights }).from(momentumWeights).where(eq(momentumWeights.tenantId, tenantId))
  return { ...SHIPPED_WEIGHTS, ...stored?.weights }
}

/**
 * How the model did on the closed deals of `owners` (all when null), and the tenant's weights in
 * use (refined or shipped). `closed` counts the deals won and lost in the last 180 days as the
 * Analytics win rate does (the same query over the same range); `scored`, those of every closed
 * deal that had been scored before it closed.
 */
export async function calibration(tx: Tx, tenantId: string, owners: readonly string[] | null = null, now = new Date()) {
  const outcomes = await closedOutcomes(tx, tenantId, owners)
  const closed = await closedCounts(tx, tenantId, defaultRange(now))
  const [stored] = await tx.select().from(momentumWeights).where(eq(momentumWeights.tenantId, tenantId))
  const weights = { ...SHIPPED_WEIGHTS, ...stored?.weights }
  return {
    ...calibrationReport(outcomes, weights),
    closed,
    needed: { won: MIN_WON, lost: MIN_LOST },
    weights: {
      source: stored ? ('refined' as const) : ('shipped' as const),
      fittedAt: stored?.fittedAt ?? null,
      values: Object.fromEntries(WEIGHT_KEYS.map(k => [k, { shipped: SHIPPED_WEIGHTS[k], used: weights[k] }])) as Record<
        string,
        { shipped: number, used: number }
      >,
    },
  }
}

/** Refines and stores a tenant's weights when its history allows; answers the weights to use. */
export async function refitWeights(tx: Tx, tenantId: string, now: Date): Promise<Weights> {
  const outcomes = await closedOutcomes(tx, tenantId)
  const fitted = fitWeights(outcomes)
  if (!fitted) {
    await tx.delete(momentumWeights).where(eq(momentumWeights.tenantId, tenantId))
    return { ...SHIPPED_WEIGHTS }
  }
  const won = outcomes.filter(o => o.won).length
  const values = { tenantId, weights: fitted, won, lost: outcomes.length - won, fittedAt: now }
  await tx.insert(momentumWeights).values(values).onConflictDoUpdate({ target: momentumWeights.tenantId, set: values })
  return fitted
}
