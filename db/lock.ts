import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { threadId } from 'node:worker_threads'

export class DatabaseLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(`The embedded database in ${dataDir} is already open in process ${pid}. `
      + 'PGlite allows one process per data directory: stop that process, '
      + 'or set DATABASE_URL to use a Postgres server that several processes can share.')
    this.name = 'DatabaseLockedError'
  }
}

interface Holder { pid: number, threadId: number }

function readHolder(path: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>
    return typeof holder.pid === 'number' ? { pid: holder.pid, threadId: holder.threadId ?? 0 } : undefined
  }
  catch {
    return undefined
  }
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  }
  catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/**
 * Takes `<dataDir>.lock` so that one process at a time opens a PGlite data directory.
 * A lock left by a dead process is taken over. A lock held by another worker thread of this
 * same process (Nitro's dev server starts the new worker while the old one shuts down) is
 * waited for, then taken over once that worker has had time to close.
 * Returns the function that releases the lock.
 */
export async function acquireDataDirLock(dataDir: string, { sameProcessWaitMs = 8000 } = {}): Promise<() => void> {
  const path = `${dataDir}.lock`
  mkdirSync(dirname(path), { recursive: true })
  const deadline = Date.now() + sameProcessWaitMs
  for (;;) {
    try {
      const fd = openSync(path, 'wx')
      writeSync(fd, JSON.stringify({ pid: process.pid, threadId, since: new Date().toISOString() }))
      closeSync(fd)
      return () => {
        const holder = readHolder(path)
        if (holder?.pid === process.pid && holder.threadId === threadId) rmSync(path, { force: true })
      }
    }
    catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const holder = readHolder(path)
    const stale = !holder || !isAlive(holder.pid)
      || (holder.pid === process.pid && holder.threadId === threadId)
      || (holder.pid === process.pid && Date.now() > deadline)
    if (stale) {
      rmSync(path, { force: true })
      continue
    }
    if (holder.pid !== process.pid) throw new DatabaseLockedError(dataDir, holder.pid)
    await sleep(100)
  }
}
