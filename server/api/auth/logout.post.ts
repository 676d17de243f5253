/** Signs out: ends this session and every other one of the user (a copied cookie stops working too). */
export default defineEventHandler(async (event) => {
  await endSessionsOf(await getUserSession(event))
  await clearUserSession(event)
  setResponseStatus(event, 204)
  return null
})
