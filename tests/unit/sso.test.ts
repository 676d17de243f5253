import { afterEach, describe, expect, it } from 'vitest'
import { callbackFailure, issuerProblem } from '../../server/domain/sso/oidc'
import {
  claimedName,
  decideSignIn,
  domainProblem,
  emailDomain,
  normalizeDomains,
  passwordAllowed,
  safeRedirect,
} from '../../server/domain/sso/policy'
import { SsoSchema } from '../../server/domain/sso/providers'
import { ssoErrorMessage, SSO_ERRORS } from '../../shared/utils/sso'

const member = { id: 'u1', active: true }

describe('who a verified single sign-on is', () => {
  const verified = { email: 'Ana@Acme.com', email_verified: true, name: 'Ana  Lima' }

  it('is the member with that email when there is one', () => {
    expect(decideSignIn(verified, member, { jitProvisioning: false })).toEqual({ kind: 'existing', user: member })
  })

  it('creates a rep named from the claims only when provisioning is on', () => {
    expect(decideSignIn(verified, null, { jitProvisioning: true }))
      .toEqual({ kind: 'create', email: 'ana@acme.com', name: 'Ana Lima', role: 'rep' })
    expect(decideSignIn(verified, null, { jitProvisioning: false })).toEqual({ kind: 'refuse', reason: 'not_provisioned' })
  })

  it('requires email_verified to be true, not merely truthy', () => {
    for (const email_verified of [false, undefined, 'true', 1]) {
      expect(decideSignIn({ ...verified, email_verified }, member, { jitProvisioning: true }))
        .toEqual({ kind: 'refuse', reason: 'email_not_verified' })
    }
  })

  it('refuses claims without an email, and deactivated members', () => {
    expect(decideSignIn({ email_verified: true }, null, { jitProvisioning: true })).toEqual({ kind: 'refuse', reason: 'no_email' })
    expect(decideSignIn({ email: 'not-an-email', email_verified: true }, null, { jitProvisioning: true }).kind).toBe('refuse')
    expect(decideSignIn(verified, { id: 'u1', active: false }, { jitProvisioning: true }))
      .toEqual({ kind: 'refuse', reason: 'deactivated' })
  })

  it('names a new member from the given and family names, else the email', () => {
    expect(claimedName({ given_name: 'Ana', family_name: 'Lima' }, 'ana@acme.com')).toBe('Ana Lima')
    expect(claimedName({}, 'ana.lima@acme.com')).toBe('ana.lima')
    expect(claimedName({ name: 'x'.repeat(300) }, 'a@b.co')).toHaveLength(200)
  })
})

describe('passwords under "SSO only"', () => {
  it('are refused to members but admins (break-glass), and allowed without SSO only', () => {
    expect(passwordAllowed({ ssoOnly: true }, 'rep')).toBe(false)
    expect(passwordAllowed({ ssoOnly: true }, 'manager')).toBe(false)
    expect(passwordAllowed({ ssoOnly: true }, 'admin')).toBe(true)
    expect(passwordAllowed({ ssoOnly: false }, 'rep')).toBe(true)
    expect(passwordAllowed(null, 'rep')).toBe(true)
  })
})

describe('domains', () => {
  it('are lower-cased, trimmed, without @, each once', () => {
    expect(normalizeDomains([' Acme.COM', '@acme.com', 'eu.acme.com'])).toEqual(['acme.com', 'eu.acme.com'])
  })

  it('must be DNS names of two labels or more', () => {
    for (const ok of ['acme.com', 'eu.acme.co.uk', 'a-b.io']) expect(domainProblem(ok)).toBeNull()
    for (const bad of ['acme', 'acme..com', '-acme.com', 'acme.com/x', 'a b.com', '*.acme.com', 'acme.c0m'])
      expect(domainProblem(bad)).not.toBeNull()
  })

  it('of an email', () => {
    expect(emailDomain('Ana@Acme.com')).toBe('acme.com')
    expect(emailDomain('no-at')).toBeNull()
    expect(emailDomain('@acme.com')).toBeNull()
  })

  it('in the settings schema: validated per item, lower-cased, at least one', () => {
    const base = { issuer: 'https://login.acme.com', clientId: 'crm' }
    expect(SsoSchema.parse({ ...base, domains: ['ACME.com'] }).domains).toEqual(['acme.com'])
    const bad = SsoSchema.safeParse({ ...base, domains: ['acme.com', 'nope'] })
    expect(bad.success).toBe(false)
    expect(bad.error?.issues.map(i => i.path.join('.'))).toEqual(['domains.1'])
    expect(SsoSchema.safeParse({ ...base, domains: [] }).success).toBe(false)
    expect(SsoSchema.safeParse({ ...base, domains: ['acme.com'], extra: 1 }).success).toBe(false)
  })
})

describe('issuers', () => {
  const previous = process.env.SSO_ALLOW_INSECURE_ISSUERS
  afterEach(() => {
    if (previous === undefined) delete process.env.SSO_ALLOW_INSECURE_ISSUERS
    else process.env.SSO_ALLOW_INSECURE_ISSUERS = previous
  })

  it('are https URLs without credentials, query or fragment', () => {
    delete process.env.SSO_ALLOW_INSECURE_ISSUERS
    expect(issuerProblem('https://login.acme.com/tenant')).toBeNull()
    expect(issuerProblem('http://127.0.0.1:4000')).toBe('must be an https URL')
    expect(issuerProblem('https://u:p@login.acme.com')).not.toBeNull()
    expect(issuerProblem('https://login.acme.com/?x=1')).not.toBeNull()
    expect(issuerProblem('not a url')).not.toBeNull()
    expect(issuerProblem('file:///etc/passwd')).toBe('must be an https URL')
  })

  it('may be http only with SSO_ALLOW_INSECURE_ISSUERS=1 (the tests\' provider)', () => {
    process.env.SSO_ALLOW_INSECURE_ISSUERS = '1'
    expect(issuerProblem('http://127.0.0.1:4000')).toBeNull()
    expect(issuerProblem('ftp://127.0.0.1')).toBe('must be an https URL')
  })
})

describe('after sign-in', () => {
  it('returns to local paths only', () => {
    expect(safeRedirect('/deals/1?x=2')).toBe('/deals/1?x=2')
    for (const bad of ['//evil.com', 'https://evil.com', '/\\evil.com', 'deals', undefined, '/a\nb']) expect(safeRedirect(bad)).toBeNull()
  })
})

describe('refusals', () => {
  it('have words for every reason, and a general one for an unknown reason', () => {
    for (const reason of Object.keys(SSO_ERRORS)) expect(ssoErrorMessage(reason)).toBe(SSO_ERRORS[reason as keyof typeof SSO_ERRORS])
    expect(ssoErrorMessage('<script>')).toBe('Single sign-on failed. Try again.')
    expect(ssoErrorMessage(undefined)).toBeNull()
  })

  it('name a provider that cannot be reached apart from an answer that does not verify', () => {
    expect(callbackFailure(new TypeError('fetch failed'))).toBe('provider_unavailable')
    expect(callbackFailure(new Error('unexpected ID Token "nonce" claim value'))).toBe('invalid_response')
  })
})
