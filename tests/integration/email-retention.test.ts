import { and, eq, isNotNull } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emailMessages, taskRuns, tenants } from '../../db/schema'
import { withTenant } from '../../server/domain/core/db'
import { threadReply } from '../../server/domain/email/tracking/inbound'
import { emailSettings, RAW_PAYLOAD_MAX_CHARS, rawPayloadOf, setEmailSettings } from '../../server/domain/email/tracking/retention'
import { runTask } from '../../server/domain/jobs/registry'
import { createTenant } from '../../server/domain/tenancy/tenants'
import { createTestDatabase, type TestDatabase } from '../support/database'

const DAY = 86_400_000
const NOW = new Date('2026-11-30T12:00:00Z')
const ago = (days: number) => new Date(NOW.getTime() - days * DAY)

let database: TestDatabase
let keeper: string
let shortLived: string

/** Stores an unmatched reply received `days` ago with its raw payload. */
const receive = (tenantId: string, id: string, days: number) =>
  withTenant(database.db, tenantId, tx =>
    threadReply(
      tx,
      tenantId,
      {
        messageId: id,
        inReplyTo: null,
        references: [],
        from: 'stranger@elsewhere.test',
        to: 'sales@us.test',
        subject: `Hello ${id}`,
        date: ago(days),
        text: 'hi',
      },
      rawPayloadOf({ raw: Buffer.from(`Message-ID: <${id}>\r\nFrom: stranger@elsewhere.test\r\n\r\nhi`) }),
      ago(days),
    ),
  )

const raw = async (tenantId: string) =>
  (
    await withTenant(database.db, tenantId, tx =>
      tx
        .select({ messageId: emailMessages.messageId, rawPayload: emailMessages.rawPayload })
        .from(emailMessages)
        .where(eq(emailMessages.tenantId, tenantId)),
    )
  ).sort((a, b) => a.messageId.localeCompare(b.messageId))

beforeAll(async () => {
  database = await createTestDatabase()
  keeper = (await createTenant(database.db, { name: 'Keeper' })).tenant.id
  shortLived = (await createTenant(database.db, { name: 'Short' })).tenant.id
  for (const [id, days] of [['a-new', 1], ['b-month', 29], ['c-old', 31], ['d-ancient', 400]] as const) {
    await receive(keeper, `${keeper}-${id}`, days)
    await receive(shortLived, `${shortLived}-${id}`, days)
  }
})
afterAll(() => database?.close())

describe('raw inbound payload retention', () => {
  it('keeps each received email\'s raw payload, capped, as text PostgreSQL takes', () => {
    expect(rawPayloadOf({ raw: Buffer.from('Subject: x\r\n\r\nbody\u0000') })).toBe('Subject: x\r\n\r\nbody')
    expect(rawPayloadOf({ fields: { From: 'a@b.test', Subject: 'Re' } })).toBe('{"From":"a@b.test","Subject":"Re"}')
    const big = rawPayloadOf({ raw: Buffer.alloc(RAW_PAYLOAD_MAX_CHARS + 500, 'a') })
    expect(big.length).toBeLessThan(RAW_PAYLOAD_MAX_CHARS + 100)
    expect(big).toMatch(/\[… 500 more characters not kept\]$/)
  })

  it('defaults to 30 days, and an admin\'s setting is stored, audited and bounded by the database too', async () => {
    expect(await withTenant(database.db, keeper, tx => emailSettings(tx, keeper))).toEqual({
      emailPayloadRetentionDays: 30,
      rawPayloads: 4,
      oldestRawPayloadAt: ago(400),
    })
    const set = await withTenant(database.db, shortLived, tx =>
      setEmailSettings(tx, { tenantId: shortLived, userId: null }, { emailPayloadRetentionDays: 7 }),
    )
    expect(set.emailPayloadRetentionDays).toBe(7)
    await expect(database.db.update(tenants).set({ emailPayloadRetentionDays: 0 }).where(eq(tenants.id, keeper))).rejects.toThrow()
  })

  it('strips, per tenant, exactly the payloads older than its retention, keeps the messages, records the run, '
    + 'and changes nothing when re-run', async () => {
    const runs = await runTask(database.db, 'email:retention', { now: NOW })
    const byTenant = Object.fromEntries(runs.map(r => [r.tenantId, r]))
    expect(byTenant[keeper]).toMatchObject({ status: 'done', touched: 2, details: { days: 30 } })
    expect(byTenant[shortLived]).toMatchObject({ status: 'done', touched: 3, details: { days: 7 } })
    expect((await raw(keeper)).map(m => m.rawPayload !== null)).toEqual([true, true, false, false])
    expect((await raw(shortLived)).map(m => m.rawPayload !== null)).toEqual([true, false, false, false])
    expect((await raw(keeper)).map(m => m.messageId)).toHaveLength(4) // the parsed messages stay

    const again = await runTask(database.db, 'email:retention', { now: NOW })
    expect(again.map(r => r.touched)).toEqual([0, 0])
    const recorded = await withTenant(database.db, keeper, tx =>
      tx
        .select()
        .from(taskRuns)
        .where(and(eq(taskRuns.tenantId, keeper), eq(taskRuns.name, 'email:retention'))),
    )
    expect(recorded.map(r => r.touched).sort()).toEqual([0, 2])
    const held = await withTenant(database.db, keeper, tx =>
      tx
        .select({ id: emailMessages.id })
        .from(emailMessages)
        .where(and(eq(emailMessages.tenantId, keeper), isNotNull(emailMessages.rawPayload))),
    )
    expect(held).toHaveLength(2)
  })
})
