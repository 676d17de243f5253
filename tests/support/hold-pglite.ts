// Opens an embedded database directory and keeps it open until stdin closes (lock tests).
import { openDatabase } from '../../db/client'

const handle = await openDatabase({ kind: 'pglite', dataDir: process.argv[2]! })
process.stdout.write('open\n')
process.stdin.resume()
process.stdin.on('end', async () => {
  await handle.close()
  process.exit(0)
})
