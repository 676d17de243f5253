import { describe, expect, it } from 'vitest'
import { databaseBusy, databaseUnavailable, isConflictAbort, isConnectionError } from '../../server/domain/core/errors'
import { checkJsonBody, DEFAULT_BODY_LIMIT, isJsonType, jsonDepth, MAX_JSON_DEPTH } from '../../server/domain/security/body'
import { bodyLimitFor } from '../../server/openapi/routes'
import { csrfProblem, type CsrfRequest } from '../../server/domain/security/csrf'
import { addNonce, pageCsp, securityHeaders } from '../../server/domain/security/headers'
import { RateLimiter, webhookConnection, WebhookLimiter, webhookKind, webhookLimits } from '../../server/domain/security/rateLimit'

const refusal = (fn: () => void) => {
  try {
    fn()
  }
  catch (error) {
    return error as { statusCode: number, statusMessage: string, data: { issues: { path: string, message: string }[] } }
  }
  throw new Error('expected a refusal')
}

describe('request body limits', () => {
  it('gives 1 MB by default, 16 MB to event batches, and streams imports', () => {
    expect(bodyLimitFor('POST', '/api/v1/deals')).toEqual(DEFAULT_BODY_LIMIT)
    expect(bodyLimitFor('POST', '/api/v1/events?x=1').maxBytes).toBe(16 * 1024 * 1024)
    expect(bodyLimitFor('GET', '/api/v1/events').maxBytes).toBe(1024 * 1024)
    expect(bodyLimitFor('POST', '/api/v1/imports')).toMatchObject({ streamed: true })
    expect(bodyLimitFor('POST', '/api/webhooks/email/inbound/abc').maxBytes).toBe(32 * 1024 * 1024)
    expect(bodyLimitFor('POST', '/api/webhooks/email/sendgrid/abc').maxBytes).toBe(8 * 1024 * 1024)
  })

  it('measures JSON nesting without recursion, ignoring brackets inside strings', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[["}]}')).toBe(3)
    expect(jsonDepth('"\\"[["')).toBe(0)
    expect(jsonDepth('['.repeat(100_000))).toBe(100_000)
  })

  it('refuses invalid UTF-8, broken JSON and deep nesting with a 400 naming the body; passes empty and good bodies', () => {
    expect(refusal(() => checkJsonBody(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]))).data.issues).toEqual([
      { path: 'body', message: 'the body is not valid UTF-8' },
    ])
    expect(refusal(() => checkJsonBody(Buffer.from('{"a":'))).data.issues[0]!.message).toMatch(/^the body is not valid JSON/)
    const deep = refusal(() => checkJsonBody(Buffer.from('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))))
    expect(deep.statusCode).toBe(400)
    expect(deep.data.issues[0]!.message).toMatch(/deeper than 32/)
    expect(() => checkJsonBody(Buffer.alloc(0))).not.toThrow()
    expect(() => checkJsonBody(Buffer.from('{"name":"Zoë 💥"}'))).not.toThrow()
  })

  it('treats JSON and unlabeled bodies as JSON, and other media types as what they are', () => {
    expect(isJsonType('application/json; charset=utf-8')).toBe(true)
    expect(isJsonType('')).toBe(true)
    expect(isJsonType('application/merge-patch+json')).toBe(true)
    expect(isJsonType('multipart/form-data; boundary=x')).toBe(false)
    expect(isJsonType('message/rfc822')).toBe(false)
  })
})

describe('CSRF', () => {
  const base: CsrfRequest = {
    method: 'POST',
    path: '/api/v1/deals',
    hasSession: true,
    hasBearer: false,
    allowedOrigins: ['http://app.test'],
  }

  it('lets same-origin writes with the session through, by Sec-Fetch-Site or Origin', () => {
    expect(csrfProblem({ ...base, secFetchSite: 'same-origin' })).toBeNull()
    expect(csrfProblem({ ...base, origin: 'http://app.test' })).toBeNull()
    expect(csrfProblem({ ...base, origin: 'HTTP://APP.TEST/' })).toBeNull()
  })

  it('refuses cross-site writes with the session, and ones that say nowhere', () => {
    expect(csrfProblem({ ...base, secFetchSite: 'cross-site', origin: 'http://app.test' })).toMatch(/cross-site/)
    expect(csrfProblem({ ...base, secFetchSite: 'same-site' })).toMatch(/cross-site/)
    expect(csrfProblem({ ...base, origin: 'http://evil.test' })).toMatch(/cross-site/)
    expect(csrfProblem({ ...base, origin: 'null' })).toMatch(/cross-site/)
    expect(csrfProblem(base)).toMatch(/Origin/)
  })

  it('leaves reads, API keys and webhooks alone, and refuses cross-site sign-ins (login CSRF)', () => {
    expect(csrfProblem({ ...base, method: 'GET', origin: 'http://evil.test' })).toBeNull()
    expect(csrfProblem({ ...base, hasBearer: true, origin: 'http://evil.test' })).toBeNull()
    expect(csrfProblem({ ...base, path: '/api/webhooks/stripe', origin: 'http://evil.test' })).toBeNull()
    const signIn = { ...base, path: '/api/auth/login', hasSession: false }
    expect(csrfProblem(signIn)).toBeNull()
    expect(csrfProblem({ ...signIn, origin: 'http://evil.test' })).toMatch(/cross-site/)
    expect(csrfProblem({ ...signIn, secFetchSite: 'cross-site' })).toMatch(/cross-site/)
  })
})

describe('security headers and CSP', () => {
  it('allows the page\'s own scripts and the nonce\'d inline ones, nothing framed, no plugins', () => {
    const csp = pageCsp('abc')
    expect(csp).toContain(`script-src 'nonce-abc' 'strict-dynamic' 'self'`)
    expect(csp).toContain(`frame-ancestors 'none'`)
    expect(csp).toContain(`object-src 'none'`)
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/)
  })

  it('puts the nonce on every script tag and script preload that has none', () => {
    expect(addNonce('<script>a</script><script type="module" src="/x.js"></script><script nonce="z">b</script><scripts>', 'n'))
      .toBe('<script nonce="n">a</script><script nonce="n" type="module" src="/x.js"></script><script nonce="z">b</script><scripts>')
    expect(
      addNonce(
        '<link rel="modulepreload" href="/a.js"><link rel="stylesheet" href="/a.css"><link rel="preload" as="script" href="/b.js">',
        'n',
      ),
    ).toBe(
      '<link nonce="n" rel="modulepreload" href="/a.js"><link rel="stylesheet" href="/a.css">'
      + '<link nonce="n" rel="preload" as="script" href="/b.js">',
    )
  })

  it('sends HSTS only over HTTPS', () => {
    expect(securityHeaders({ https: false })).not.toHaveProperty('Strict-Transport-Security')
    expect(securityHeaders({ https: true })['Strict-Transport-Security']).toMatch(/max-age=/)
    expect(securityHeaders({ https: false })).toMatchObject({ 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY' })
  })
})

describe('webhook rate limits', () => {
  it('allows `limit` hits a window per key, then answers the seconds left; a new window starts over', () => {
    const limiter = new RateLimiter(2, 60_000)
    expect(limiter.hit('a', 0)).toBe(0)
    expect(limiter.hit('a', 1000)).toBe(0)
    expect(limiter.hit('a', 2000)).toBe(58)
    expect(limiter.hit('b', 2000)).toBe(0)
    expect(limiter.hit('a', 60_000)).toBe(0)
  })

  it('reads WEBHOOK_RATE_LIMIT, keeping the defaults for what it does not say', () => {
    expect(webhookLimits(undefined)).toEqual({ perConnection: 600, perAddress: 1200, windowMs: 60_000 })
    expect(webhookLimits('connection:5, address:x')).toEqual({ perConnection: 5, perAddress: 1200, windowMs: 60_000 })
  })

  it('counts an address apart for each webhook kind (Stripe, each email provider, inbound mail), from a fixed set of kinds', () => {
    const limiter = new WebhookLimiter({ perConnection: 100, perAddress: 2, windowMs: 60_000 })
    const stripe = () => limiter.hit('/api/webhooks/stripe', '203.0.113.7', 0)
    expect([stripe(), stripe(), stripe()]).toEqual([0, 0, 60])
    expect(limiter.hit('/api/webhooks/email/sendgrid/a', '203.0.113.7', 0)).toBe(0)
    expect(limiter.hit('/api/webhooks/email/mailgun/b', '203.0.113.7', 0)).toBe(0)
    expect(limiter.hit('/api/webhooks/email/inbound/c', '203.0.113.7', 0)).toBe(0)
    expect(limiter.hit('/api/webhooks/stripe', '198.51.100.1', 0)).toBe(0)
    expect(
      [
        '/api/webhooks/stripe?x',
        '/api/webhooks/email/SendGrid/x',
        '/api/webhooks/email/inbound/x',
        '/api/webhooks/email/nope/x',
        '/api/webhooks/email/other2/x',
        '/api/webhooks/other',
      ].map(webhookKind),
    ).toEqual(['stripe', 'email:sendgrid', 'email:inbound', 'email:other', 'email:other', 'other'])
  })

  it('finds the connection a webhook path names', () => {
    expect(webhookConnection('/api/webhooks/email/sendgrid/ABC?x=1')).toBe('abc')
    expect(webhookConnection('/api/webhooks/email/inbound/abc?token=t')).toBe('abc')
    expect(webhookConnection('/api/webhooks/email/inbound/%E0%A4%A')).toBe('%e0%a4%a')
    expect(webhookConnection('/api/webhooks/stripe')).toBeNull()
  })
})

describe('strings the database cannot store (found by probing after the fuzz suite: these were 500s)', () => {
  it('refuses NUL and unpaired surrogates anywhere in a JSON body, naming the field', () => {
    expect(refusal(() => checkJsonBody(Buffer.from('{"name":"Nul\\u0000Co"}'))).data.issues).toEqual([
      { path: 'name', message: expect.stringMatching(/cannot be stored/) },
    ])
    expect(refusal(() => checkJsonBody(Buffer.from('{"metadata":{"a":["x","\\ud800"]}}'))).data.issues[0]!.path).toBe('metadata.a.1')
    expect(refusal(() => checkJsonBody(Buffer.from('{"\\udc00":1}'))).data.issues[0]!.path).toBe('(a key)')
  })

  it('takes paired surrogates (emoji) and an escaped backslash before u0000', () => {
    expect(() => checkJsonBody(Buffer.from('{"name":"\\ud83d\\udca5"}'))).not.toThrow()
    expect(() => checkJsonBody(Buffer.from('{"name":"\\\\u0000"}'))).not.toThrow()
  })
})

describe('database faults', () => {
  it('tells a lost or refused connection (also wrapped) from a bad query', () => {
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true)
    expect(isConnectionError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true)
    expect(
      isConnectionError(
        new Error('Failed query: insert …', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) }),
      ),
    ).toBe(true)
    expect(isConnectionError(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false)
    expect(isConnectionError('nope')).toBe(false)
  })

  it('answers 503 with a retryable flag for them', () => {
    expect(databaseUnavailable()).toMatchObject({ statusCode: 503, data: { error: 'database_unavailable', retryable: true } })
  })

  it('tells a deadlock or serialization abort (found by the soak run: a 500) from other errors, and answers 503 retryable', () => {
    expect(isConflictAbort(new Error('Failed query', { cause: Object.assign(new Error('deadlock detected'), { code: '40P01' }) }))).toBe(
      true,
    )
    expect(isConflictAbort(Object.assign(new Error('could not serialize access'), { code: '40001' }))).toBe(true)
    expect(isConflictAbort(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false)
    expect(databaseBusy()).toMatchObject({ statusCode: 503, data: { error: 'database_busy', retryable: true } })
  })
})
