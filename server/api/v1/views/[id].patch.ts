import { updateView, ViewPatchSchema } from '../../../domain/records/views'

export const meta = defineRoute({ tag: 'Views', summary: 'Change a saved view (its owner only)', body: ViewPatchSchema })

/** Changes a view; only the person who saved it may. */
export default defineEventHandler(async (event) => {
  const { id } = paramsValidated(event, IdParamsSchema)
  const patch = await readValidated(event, ViewPatchSchema)
  return scoped(event, (tx, auth) => updateView(tx, viewerOf(auth), id, patch))
})
