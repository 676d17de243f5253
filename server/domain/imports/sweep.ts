import { readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { and, eq, inArray, lt } from 'drizzle-orm'
import { imports, tenants } from '../../../db/schema'
import type { AppDatabase } from '../../../db/client'
import { withTenant } from '../core/db'
import { INTERRUPTED, LEASE_MS } from './run'

/** Where uploads wait for their import (per host: each server process sweeps its host's). */
export const UPLOAD_DIR = join(tmpdir(), 'momentum-uploads')

/** The file an import's upload is kept in while it runs, named by the import (so a sweep knows whose it is). */
export const uploadPathOf = (importId: string, dir = UPLOAD_DIR) => join(dir, `${importId}.upload`)

/** An upload no live import holds is removed once it has not been written to for this long (an upload still arriving keeps writing). */
export const ORPHAN_AFTER_MS = 15 * 60_000

const UPLOAD_NAME = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.upload$/i

/**
 * Which files of the upload folder to remove: an import's that is not live (done, failed, gone)
 * or any other, once untouched for `orphanAfterMs` — never a live import's, nor one written to
 * lately (an upload arriving, or an import that started after `live` was read). Pure.
 */
export function orphanedUploads(
  files: readonly { name: string, mtimeMs: number }[],
  live: ReadonlySet<string>,
  now: Date,
  orphanAfterMs = ORPHAN_AFTER_MS,
): string[] {
  return files
    .filter((f) => {
      const id = UPLOAD_NAME.exec(f.name)?.[1]?.toLowerCase()
      if (id && live.has(id)) return false
      return now.getTime() - f.mtimeMs > orphanAfterMs
    })
    .map(f => f.name)
}

export interface SweepResult { interrupted: string[], removed: string[] }

/**
 * Fails the imports whose process died — queued or running with no heartbeat for LEASE_MS, so
 * another live process's imports are left alone — and removes their uploads, then the orphaned
 * uploads of the folder (see `orphanedUploads`). Run at start-up and every 5 minutes (server/plugins/imports.ts).
 */
export async function sweepImports(
  db: AppDatabase,
  options: { now?: Date, dir?: string, orphanAfterMs?: number } = {},
): Promise<SweepResult> {
  const now = options.now ?? new Date()
  const dir = options.dir ?? UPLOAD_DIR
  const interrupted: string[] = []
  const live = new Set<string>()
  // The owner reads the tenants table whole (it is not FORCEd; see migration 0003).
  for (const { id: tenantId } of await db.select({ id: tenants.id }).from(tenants)) {
    await withTenant(db, tenantId, async (tx) => {
      const dead = await tx
        .update(imports)
        .set({ status: 'failed', failure: INTERRUPTED, finishedAt: now, updatedAt: now })
        .where(
          and(
            eq(imports.tenantId, tenantId),
            inArray(imports.status, ['queued', 'running']),
            lt(imports.updatedAt, new Date(now.getTime() - LEASE_MS)),
          ),
        )
        .returning({ id: imports.id })
      interrupted.push(...dead.map(d => d.id))
      const running = await tx
        .select({ id: imports.id })
        .from(imports)
        .where(and(eq(imports.tenantId, tenantId), inArray(imports.status, ['queued', 'running'])))
      for (const r of running) live.add(r.id.toLowerCase())
    })
  }
  const removed: string[] = []
  for (const id of interrupted) {
    await rm(uploadPathOf(id, dir), { force: true })
    removed.push(`${id}.upload`)
  }
  const names = await readdir(dir).catch(() => [] as string[])
  const files = (
    await Promise.all(
      names.map(name =>
        stat(join(dir, name)).then(
          s => (s.isFile() ? { name, mtimeMs: s.mtimeMs } : null),
          () => null,
        ),
      ),
    )
  ).filter(f => f !== null)
  for (const name of orphanedUploads(files, live, now, options.orphanAfterMs)) {
    await rm(join(dir, name), { force: true })
    if (!removed.includes(name)) removed.push(name)
  }
  return { interrupted, removed }
}
