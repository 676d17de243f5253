import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { DatabaseLockedError } from '../../db/lock'
import { openDatabase, queryRows } from '../../db/client'

const dirs: string[] = []
const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) child.kill()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempDataDir() {
  const dir = mkdtempSync(join(tmpdir(), 'momentum-pglite-'))
  dirs.push(dir)
  return join(dir, 'pglite')
}

/** Starts another process that opens the data directory and waits. */
function holdInAnotherProcess(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/hold-pglite.ts', dataDir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  children.push(child)
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('open') && resolve(child))
    child.on('exit', code => reject(new Error(`holder exited with ${code}`)))
  })
}

describe('the embedded database lock', () => {
  it('gives a second process a clear error instead of opening the same data directory', async () => {
    const dataDir = tempDataDir()
    const holder = await holdInAnotherProcess(dataDir)
    const attempt = openDatabase({ kind: 'pglite', dataDir })
    await expect(attempt).rejects.toBeInstanceOf(DatabaseLockedError)
    await expect(attempt).rejects.toThrow(`already open in process ${holder.pid}`)
  })

  it('opens the directory once the other process has closed it, with the data intact', async () => {
    const dataDir = tempDataDir()
    const first = await openDatabase({ kind: 'pglite', dataDir })
    await first.db.execute(sql`create table kept (n int)`)
    await first.db.execute(sql`insert into kept values (42)`)
    await first.close()
    expect(existsSync(`${dataDir}.lock`)).toBe(false)

    const holder = await holdInAnotherProcess(dataDir)
    holder.stdin!.end()
    await new Promise(resolve => holder.on('exit', resolve))
    const second = await openDatabase({ kind: 'pglite', dataDir })
    expect(await queryRows(second.db, sql`select n from kept`)).toEqual([{ n: 42 }])
    await second.close()
  })

  it('takes over a lock left behind by a process that died', async () => {
    const dataDir = tempDataDir()
    const holder = await holdInAnotherProcess(dataDir)
    holder.kill('SIGKILL')
    await new Promise(resolve => holder.on('exit', resolve))
    expect(existsSync(`${dataDir}.lock`)).toBe(true)
    const reopened = await openDatabase({ kind: 'pglite', dataDir })
    await reopened.close()
  })
})
