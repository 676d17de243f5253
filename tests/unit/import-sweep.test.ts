import { describe, expect, it } from 'vitest'
import type { imports } from '../../db/schema'
import { importView, INTERRUPTED, LEASE_MS } from '../../server/domain/imports/run'
import { ORPHAN_AFTER_MS, orphanedUploads } from '../../server/domain/imports/sweep'

const now = new Date('2026-12-02T12:00:00Z')
const ago = (ms: number) => now.getTime() - ms
const live = '6a1f1f1f-1f1f-4f1f-8f1f-1f1f1f1f1f1f'
const done = '7b2e2e2e-2e2e-4e2e-8e2e-2e2e2e2e2e2e'

describe('orphaned uploads', () => {
  it('are files no live import holds that nobody wrote to for a while: never a live import\'s, never one still arriving', () => {
    const files = [
      { name: `${live}.upload`, mtimeMs: ago(24 * 3_600_000) },
      { name: `${done}.upload`, mtimeMs: ago(ORPHAN_AFTER_MS + 1) },
      { name: 'c0ffee00-0000-4000-8000-000000000000.tmp', mtimeMs: ago(ORPHAN_AFTER_MS + 1) },
      { name: 'arriving.tmp', mtimeMs: ago(1000) },
      { name: `${done.toUpperCase()}.upload`, mtimeMs: ago(1000) },
    ]
    expect(orphanedUploads(files, new Set([live]), now)).toEqual([`${done}.upload`, 'c0ffee00-0000-4000-8000-000000000000.tmp'])
  })
})

describe('an import\'s view', () => {
  const row = (status: 'running' | 'done', updatedAt: Date) =>
    ({ status, updatedAt, failure: null }) as unknown as typeof imports.$inferSelect
  it('shows a queued or running import failed once its heartbeat is a lease old (not ten minutes)', () => {
    expect(importView(row('running', new Date(ago(LEASE_MS - 1000))), now)).toMatchObject({ status: 'running', failure: null })
    expect(importView(row('running', new Date(ago(LEASE_MS + 1000))), now)).toMatchObject({ status: 'failed', failure: INTERRUPTED })
    expect(LEASE_MS).toBeLessThan(5 * 60_000)
    expect(importView(row('done', new Date(ago(24 * 3_600_000))), now)).toMatchObject({ status: 'done' })
  })
})
