import { DEMO_LOGINS, DEMO_PASSWORD } from '../db/seed'
import { freshDatabase, signIn, startServer, timed } from './lib'
const database = await freshDatabase('uiprobe')
const server = await startServer(database.url, { seedDemo: true })
const cookie = await signIn(server.url, DEMO_LOGINS[2].email, DEMO_PASSWORD)
for (const path of (process.env.PATHS ?? '/dashboard,/api/v1/dashboard,/pipeline,/login,/forecast').split(',')) {
  const times = []
  for (let i = 0; i < 8; i++) times.push(+((await timed(async () => (await fetch(server.url + path, { headers: { cookie } })).arrayBuffer())).seconds * 1000).toFixed(0))
  console.log(path, times.join(' '))
}
console.log(server.url, cookie)
if (process.env.HOLD) await new Promise(r => setTimeout(r, Number(process.env.HOLD) * 1000))
await server.stop()
await database.drop()
