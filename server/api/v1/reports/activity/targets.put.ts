import { setTargets } from '../../../../domain/reports/activity'
import { TargetsBodySchema } from '../../../../domain/reports/schemas'
import { audit } from '../../../../domain/tenancy/audit'

export const BodySchema = TargetsBodySchema

export const meta = defineRoute({
  tag: 'Reports',
  summary: 'Set weekly activity targets for a rep or as a team\'s default (managers: their teams; admins)',
  body: BodySchema,
})

/** Sets weekly activity targets per measure (null removes one); audited. */
export default defineEventHandler(async (event) => {
  const input = await readValidated(event, BodySchema)
  await requireRole(event, 'manager', 'admin')
  return scoped(event, async (tx, auth) => {
    const result = await setTargets(tx, auth.access, auth, input)
    await audit(tx, actorOf(event, auth), 'activity.targets_set', {
      targetType: input.ownerId ? 'owner' : 'team',
      targetId: (input.ownerId ?? input.teamId)!,
      metadata: { targets: input.targets },
    })
    return result
  })
})
