import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import { forecastAdjustments, quotas, teams, users } from '../../../db/schema'
import { queryRows } from '../../../db/client'
import { andWhere, ownerIn, ownersOf, type Access, type Tx } from '../core/db'
import { badRequest, DomainError, notFound } from '../core/errors'
import { recordsChanged } from '../events/bus'
import { seesOwner, seesTeam } from '../tenancy/access'
import { audit, type Actor } from '../tenancy/audit'
import { tenantCurrency } from '../tenancy/settings'
import type { Period } from '../../../shared/utils/periods'

/**
 * The forecast of a period, per rep, team and the tenant (what the caller may see: row-level
 * security filters the deals): closed-won, the open deals closing in the period by forecast
 * category (the stage's, unless the deal overrides it), weighted, and a momentum-adjusted
 * projection; quotas, attainment, coverage; managers' adjustments beside the computed numbers.
 */

/**
 * The momentum-adjusted projection: each scored open deal counts at its win probability (the
 * momentum model's: its stage's probability moved by its signals, refined on the tenant's own
 * closed deals); a deal not scored yet at its stage's probability.
 */
export interface MomentumFactors {
  /** Where the projection's probabilities come from. */
  source: 'win_probability'
  /** Open deals in the caller's view scored / not scored yet (those count at their stage probability). */
  scored: number
  unscored: number
}

/** The win probability the projection gives a deal. Pure (the SQL below applies the same rule). */
export function projectedProbability(deal: { probability: number, winProbability: number | null }): number {
  return deal.winProbability ?? deal.probability / 100
}

export interface Numbers {
  closedWon: number
  commit: number
  bestCase: number
  pipeline: number
  /** Open deals in the period, whatever their category (omitted ones excluded). */
  open: number
  weighted: number
  projection: number
  deals: number
}

interface OwnerRow extends Numbers { ownerId: string, name: string, teamId: string | null, teamName: string | null }

const ZERO: Numbers = { closedWon: 0, commit: 0, bestCase: 0, pipeline: 0, open: 0, weighted: 0, projection: 0, deals: 0 }
const round = (n: number) => Math.round(n * 100) / 100
const ratio = (n: number) => Math.round(n * 1000) / 1000
const add = (a: Numbers, b: Numbers): Numbers =>
  Object.fromEntries(Object.keys(ZERO).map(k => [k, round(a[k as keyof Numbers] + b[k as keyof Numbers])])) as unknown as Numbers

/** The per-owner numbers of a period, in one statement over the deals the caller sees (of `owners`, see ownersOf). */
async function ownerNumbers(tx: Tx, tenantId: string, period: Period, owners: readonly string[] | null): Promise<OwnerRow[]> {
  return queryRows<OwnerRow>(
    tx,
    sql`
    with d as (
      select d.owner_id, d.amount, s.kind, coalesce(d.forecast_category, s.forecast_category)::text as category,
             coalesce(d.probability, s.probability) as probability, sc.win_probability::float as win_probability,
             (s.kind = 'won' and (d.closed_at at time zone 'UTC')::date >= ${period.start}::date
               and (d.closed_at at time zone 'UTC')::date < ${period.end}::date) as won_in,
             (s.kind = 'open' and d.close_date >= ${period.start}::date and d.close_date < ${period.end}::date) as open_in
      from deals d
      join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage
      left join deal_scores sc on sc.tenant_id = d.tenant_id and sc.deal_id = d.id
      where d.tenant_id = ${tenantId}::uuid ${andWhere(ownerIn(sql`d.owner_id`, owners))}
    ), p as (
      select d.*, coalesce(d.win_probability, d.probability / 100.0) as projected
      from d
      where d.won_in or d.open_in
    ), n as (
      -- Summed per owner before the names are joined (a row per owner, not per deal).
      select owner_id,
             coalesce(sum(amount) filter (where won_in), 0)::float as "closedWon",
             coalesce(sum(amount) filter (where open_in and category = 'commit'), 0)::float as commit,
             coalesce(sum(amount) filter (where open_in and category = 'best_case'), 0)::float as "bestCase",
             coalesce(sum(amount) filter (where open_in and category = 'pipeline'), 0)::float as pipeline,
             coalesce(sum(amount) filter (where open_in and category <> 'omitted'), 0)::float as open,
             round(coalesce(sum(amount * probability / 100.0) filter (where open_in and category <> 'omitted'), 0), 2)::float as weighted,
             round((coalesce(sum(amount) filter (where won_in), 0)
               + coalesce(sum(amount * projected) filter (where open_in and category <> 'omitted'), 0))::numeric, 2)::float as projection,
             count(*)::int as deals
      from p group by owner_id
    )
    select n.owner_id as "ownerId", u.name, u.team_id as "teamId", t.name as "teamName",
           n."closedWon", n.commit, n."bestCase", n.pipeline, n.open, n.weighted, n.projection, n.deals
    from n
    join users u on u.tenant_id = ${tenantId}::uuid and u.id = n.owner_id
    left join teams t on t.tenant_id = u.tenant_id and t.id = u.team_id
    order by u.name`,
  )
}

/**
 * Who asks. What they see is their access alone (tenancy/access.ts): the owners they see and, for
 * a manager, the teams they lead — never the team they are a member of.
 */
export interface Caller { role: 'rep' | 'manager' | 'admin', userId: string, teamId: string | null, access: Access }

export async function forecast(tx: Tx, tenantId: string, caller: Caller, period: Period) {
  const visible = ownersOf(caller.access)
  const owners = await ownerNumbers(tx, tenantId, period, visible)
  const [coverage] = await queryRows<{ scored: number, unscored: number }>(tx, sql`
    select count(sc.deal_id)::int as scored, (count(*) - count(sc.deal_id))::int as unscored
    from deals d
    join pipeline_stages s on s.tenant_id = d.tenant_id and s.key = d.stage and s.kind = 'open'
    left join deal_scores sc on sc.tenant_id = d.tenant_id and sc.deal_id = d.id
    where d.tenant_id = ${tenantId}::uuid and d.close_date >= ${period.start}::date and d.close_date < ${period.end}::date
      ${andWhere(ownerIn(sql`d.owner_id`, visible))}`)
  const factors: MomentumFactors = { source: 'win_probability', scored: coverage?.scored ?? 0, unscored: coverage?.unscored ?? 0 }
  // Every rep the caller sees appears, with zeros when they have nothing in the period.
  const people = await tx
    .select({ id: users.id, name: users.name, teamId: users.teamId, role: users.role, active: users.active })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), visible ? inArray(users.id, [...visible]) : undefined))
  const teamNames = new Map(
    (await tx.select({ id: teams.id, name: teams.name }).from(teams).where(eq(teams.tenantId, tenantId))).map(t => [t.id, t.name]),
  )
  for (const p of people) {
    if (p.role !== 'admin' && p.active && !owners.some(o => o.ownerId === p.id))
      owners.push({ ownerId: p.id, name: p.name, teamId: p.teamId, teamName: p.teamId ? (teamNames.get(p.teamId) ?? null) : null, ...ZERO })
  }
  const visibleOwners = visible ? owners.filter(o => visible.includes(o.ownerId)) : owners
  const quotaRows = await tx.select({ ownerId: quotas.ownerId, amount: quotas.amount }).from(quotas)
    .where(and(eq(quotas.tenantId, tenantId), eq(quotas.period, period.key)))
  const quotaOf = new Map(quotaRows.map(q => [q.ownerId, Number(q.amount)]))
  const adjustments = await latestAdjustments(tx, tenantId, period.key)
  const visibleAdjustment = (scope: 'owner' | 'team' | 'tenant', id: string | null) => {
    if (scope === 'tenant' && caller.access.scope !== 'tenant') return null
    if (scope === 'team' && (!id || !seesTeam(caller.access, id))) return null
    return adjustments.get(`${scope}:${id ?? ''}`) ?? null
  }
  const withTargets = (numbers: Numbers, quota: number | null, adjustment: ReturnType<typeof visibleAdjustment>, rolledUp?: number) => {
    const forecastAmount = round(numbers.closedWon + numbers.commit)
    const below = round(rolledUp ?? forecastAmount)
    return {
      ...numbers,
      forecast: forecastAmount,
      /** The forecast from the level below with its adjustments (a team: its reps' numbers as adjusted); a rep's own forecast. */
      rolledUp: below,
      /** The number in force: this level's own adjustment, else what its reps' (teams') adjusted numbers add up to. */
      adjustedForecast: adjustment ? adjustment.amount : below,
      quota,
      attainment: quota ? ratio(numbers.closedWon / quota) : null,
      coverage: quota ? (quota - numbers.closedWon > 0 ? ratio(numbers.open / (quota - numbers.closedWon)) : null) : null,
      adjusted: adjustment,
    }
  }
  const ownerRows = visibleOwners.sort((a, b) => a.name.localeCompare(b.name)).map(({ ownerId, name, teamId, teamName, ...n }) => ({
    ownerId, name, teamId, teamName, ...withTargets(n, quotaOf.get(ownerId) ?? null, visibleAdjustment('owner', ownerId)),
  }))
  const sumOf = <T extends { adjustedForecast: number }>(rows: readonly T[]) => rows.reduce((sum, r) => sum + r.adjustedForecast, 0)
  // A manager's team rows are the teams they lead (their own row may sit in another team).
  const teamIds = [...new Set(visibleOwners.map(o => o.teamId))].filter(
    id => caller.access.scope === 'tenant' || (id !== null && seesTeam(caller.access, id)),
  )
  const teamRows = teamIds.map((teamId) => {
    const members = visibleOwners.filter(o => o.teamId === teamId)
    const numbers = members.reduce<Numbers>((sum, o) => add(sum, o), ZERO)
    const quota = members.reduce<number | null>((sum, o) => (quotaOf.has(o.ownerId) ? (sum ?? 0) + quotaOf.get(o.ownerId)! : sum), null)
    const rolledUp = sumOf(ownerRows.filter(o => o.teamId === teamId))
    return {
      teamId,
      name: teamId ? (teamNames.get(teamId) ?? 'Team') : 'No team',
      ...withTargets(numbers, quota, teamId ? visibleAdjustment('team', teamId) : null, rolledUp),
    }
  }).sort((a, b) => a.name.localeCompare(b.name))
  const totalNumbers = visibleOwners.reduce<Numbers>((sum, o) => add(sum, o), ZERO)
  const totalQuota = visibleOwners.reduce<number | null>(
    (sum, o) => (quotaOf.has(o.ownerId) ? (sum ?? 0) + quotaOf.get(o.ownerId)! : sum),
    null,
  )
  // The total adds up the teams as adjusted, and the reps outside every team row (a manager's own row in another team) as adjusted.
  const totalRolledUp = sumOf(teamRows) + sumOf(ownerRows.filter(o => !teamIds.includes(o.teamId)))
  return {
    period,
    currency: await tenantCurrency(tx, tenantId),
    owners: ownerRows,
    teams: teamRows,
    total: withTargets(totalNumbers, totalQuota, visibleAdjustment('tenant', null), totalRolledUp),
    momentum: factors,
  }
}

/** The adjustment in force per target (the latest), keyed `scope:targetId`. */
async function latestAdjustments(tx: Tx, tenantId: string, periodKey: string) {
  const rows = await tx
    .select({
      scope: forecastAdjustments.scope,
      targetId: forecastAdjustments.targetId,
      amount: forecastAdjustments.amount,
      original: forecastAdjustments.original,
      note: forecastAdjustments.note,
      createdAt: forecastAdjustments.createdAt,
      by: users.name,
    })
    .from(forecastAdjustments)
    .leftJoin(users, and(eq(users.tenantId, forecastAdjustments.tenantId), eq(users.id, forecastAdjustments.createdById)))
    .where(and(eq(forecastAdjustments.tenantId, tenantId), eq(forecastAdjustments.period, periodKey)))
    .orderBy(desc(forecastAdjustments.createdAt))
  const latest = new Map<string, { amount: number, original: number, note: string, by: string | null, at: Date }>()
  for (const r of rows) {
    const key = `${r.scope}:${r.targetId ?? ''}`
    if (!latest.has(key))
      latest.set(key, { amount: Number(r.amount), original: Number(r.original), note: r.note, by: r.by, at: r.createdAt })
  }
  return latest
}

export interface AdjustmentInput { period: Period, ownerId?: string, teamId?: string, amount: number, note: string }

/**
 * A manager's override for a rep, their team, or (admins) the tenant, with a note. The computed
 * number at that moment is kept beside it; the change is audited.
 */
export async function adjustForecast(tx: Tx, actor: Actor & { userId: string }, caller: Caller, input: AdjustmentInput) {
  const tenantId = actor.tenantId
  let scope: 'owner' | 'team' | 'tenant' = 'tenant'
  let targetId: string | null = null
  if (input.ownerId) {
    const [owner] = await tx
      .select({ id: users.id, teamId: users.teamId })
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.id, input.ownerId)))
    if (!owner || !seesOwner(caller.access, owner.id)) throw notFound('owner')
    scope = 'owner'
    targetId = owner.id
  }
  else if (input.teamId) {
    const [team] = await tx.select({ id: teams.id }).from(teams).where(and(eq(teams.tenantId, tenantId), eq(teams.id, input.teamId)))
    if (!team || !seesTeam(caller.access, team.id)) throw notFound('team')
    scope = 'team'
    targetId = team.id
  }
  else if (caller.access.scope !== 'tenant') throw badRequest('ownerId', 'name the rep (ownerId) or your team (teamId)')
  const current = await forecast(tx, tenantId, caller, input.period)
  // What the manager overrides: the number from below as it stands (a team's reps with their own adjustments).
  const original = scope === 'owner'
    ? current.owners.find(o => o.ownerId === targetId)?.rolledUp ?? 0
    : scope === 'team'
      ? current.teams.find(t => t.teamId === targetId)?.rolledUp ?? 0
      : current.total.rolledUp
  const [row] = await tx
    .insert(forecastAdjustments)
    .values({
      tenantId,
      period: input.period.key,
      scope,
      targetId,
      amount: String(input.amount),
      original: String(original),
      note: input.note,
      createdById: actor.userId,
    })
    .returning()
  await audit(tx, actor, 'forecast.adjusted', {
    targetType: scope,
    targetId: targetId ?? tenantId,
    metadata: { period: input.period.key, original, amount: input.amount },
  })
  await recordsChanged(tx, tenantId)
  return { ...row!, amount: Number(row!.amount), original: Number(row!.original) }
}

/**
 * Sets reps' quotas for a period: an admin anyone's, a manager those of the members of the teams
 * they lead (not their own: 403); a rep none (403). A rep the caller does not see is not found (404).
 */
export async function setQuotas(
  tx: Tx,
  tenantId: string,
  caller: Caller,
  periodKey: string,
  entries: { ownerId: string, amount: number }[],
) {
  if (caller.role === 'rep') throw new DomainError(403, 'only managers and admins set quotas')
  const owners = entries.length
    ? await tx
        .select({ id: users.id, teamId: users.teamId })
        .from(users)
        .where(and(eq(users.tenantId, tenantId), inArray(users.id, entries.map(e => e.ownerId))))
    : []
  for (const entry of entries) {
    const owner = owners.find(o => o.id === entry.ownerId)
    if (!owner || !seesOwner(caller.access, owner.id)) throw notFound('owner')
    if (caller.role === 'manager' && owner.id === caller.userId)
      throw new DomainError(403, 'a manager sets the quotas of their teams\' members; their own is set by an admin')
  }
  const now = new Date()
  for (const entry of entries) {
    await tx
      .insert(quotas)
      .values({ tenantId, ownerId: entry.ownerId, period: periodKey, amount: String(entry.amount), updatedAt: now })
      .onConflictDoUpdate({
        target: [quotas.tenantId, quotas.ownerId, quotas.period],
        set: { amount: String(entry.amount), updatedAt: now },
      })
  }
  await recordsChanged(tx, tenantId)
  return { period: periodKey, updated: entries.length }
}
