import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { SERVER_NODE_FLAGS } from '../../bench/lib'

describe('the built server\'s Node flags', () => {
  it('are the same in `npm start` as in the benchmarks that measure its memory', () => {
    const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      scripts: Record<string, string>
    }
    expect(scripts.start).toContain(`node ${SERVER_NODE_FLAGS.join(' ')} .output/server/index.mjs`)
  })
})
