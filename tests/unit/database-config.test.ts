import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DatabaseConfigError, resolveDatabaseConfig } from '../../db/client'

describe('resolveDatabaseConfig', () => {
  it('uses the embedded PGlite under .data/ when there is no DATABASE_URL', () => {
    expect(resolveDatabaseConfig({})).toEqual({ kind: 'pglite', dataDir: resolve('.data/pglite') })
    expect(resolveDatabaseConfig({ PGLITE_DIR: 'memory' })).toEqual({ kind: 'pglite', dataDir: null })
  })

  it('uses node-postgres for an ordinary Postgres URL', () => {
    expect(resolveDatabaseConfig({ DATABASE_URL: 'postgres://u:p@db.internal:5432/crm' }))
      .toEqual({ kind: 'postgres', url: 'postgres://u:p@db.internal:5432/crm', poolMax: 10 })
  })

  it('uses the Neon driver for a Neon host, or when DATABASE_DRIVER=neon', () => {
    expect(resolveDatabaseConfig({ DATABASE_URL: 'postgresql://u:p@ep-cool-1.eu-central-1.aws.neon.tech/crm?sslmode=require' }).kind).toBe(
      'neon',
    )
    expect(
      resolveDatabaseConfig({ DATABASE_URL: 'postgres://u@localhost/crm', DATABASE_DRIVER: 'neon', NEON_WS_PROXY: 'localhost:5488/v1' }),
    ).toMatchObject({ kind: 'neon', neonWsProxy: 'localhost:5488/v1' })
  })

  it('lets DATABASE_DRIVER=pg keep node-postgres even for a Neon host', () => {
    expect(resolveDatabaseConfig({ DATABASE_URL: 'postgres://u:p@ep-x.neon.tech/crm', DATABASE_DRIVER: 'pg' }).kind).toBe('postgres')
  })

  it('says clearly what is wrong with a bad URL or driver', () => {
    expect(() => resolveDatabaseConfig({ DATABASE_URL: 'mysql://x@y/z' })).toThrow(/must start with postgres:\/\//)
    expect(() => resolveDatabaseConfig({ DATABASE_URL: 'not a url' })).toThrow(DatabaseConfigError)
    expect(() => resolveDatabaseConfig({ DATABASE_DRIVER: 'sqlite' })).toThrow(/DATABASE_DRIVER must be/)
  })
})
