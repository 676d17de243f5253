export default defineEventHandler(async event => loadMe(await requireAuth(event)))
