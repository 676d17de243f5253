import { describe, expect, it } from 'vitest'
import { provenanceIssues, RESERVED_SOURCES } from '../../server/domain/events/ingest'

const person = { userId: 'me', viaApiKey: false, sees: (id: string) => id === 'me' }
const key = { userId: 'admin', viaApiKey: true, sees: (id: string) => ['admin', 'rep'].includes(id) }

describe('provenanceIssues', () => {
  it('lets a person post as themselves or with no user as actor', () => {
    expect(
      provenanceIssues(
        [
          { index: 0, source: 'direct', actorUserId: 'me' },
          { index: 1, source: 'calendar', actorUserId: null },
        ],
        person,
      ),
    ).toEqual([])
  })

  it('refuses another user as a person\'s actor, once per event even when it fans out to several deals', () => {
    const issues = provenanceIssues(
      [
        { index: 0, source: 'direct', actorUserId: 'you' },
        { index: 0, source: 'direct', actorUserId: 'you' },
      ],
      person,
    )
    expect(issues).toEqual([{ index: 0, path: 'actor', message: expect.stringContaining('as themselves') }])
  })

  it('lets a key name the users its creator sees, and no one else', () => {
    expect(provenanceIssues([{ index: 0, source: 'dialer', actorUserId: 'rep' }], key)).toEqual([])
    expect(provenanceIssues([{ index: 3, source: 'dialer', actorUserId: 'stranger' }], key)).toEqual([
      { index: 3, path: 'actor', message: 'not a user this key may act for' },
    ])
  })

  it('refuses every reserved provider source, in any case, for people and keys', () => {
    for (const source of [...RESERVED_SOURCES, 'SendGrid', 'SALESFORCE']) {
      for (const poster of [person, key])
        expect(provenanceIssues([{ index: 0, source, actorUserId: null }], poster).map(i => i.path)).toEqual(['source'])
    }
  })
})
