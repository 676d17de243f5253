import { describe, expect, it } from 'vitest'
import { isPrivateAddress, networkFailure, refuseTarget, statusFailure } from '../../server/domain/webhooks/targets'

const publicDns = async () => ['93.184.216.34']
const hostOf = (url: string) => new URL(url).hostname

describe('webhook target addresses', () => {
  it('blocks IPv4 carried in IPv6 (mapped, compatible, NAT64, 6to4) as the IPv4 it carries, in every text form', () => {
    for (const ip of [
      '::ffff:7f00:1',
      '::ffff:127.0.0.1',
      '[::ffff:127.0.0.1]',
      '::127.0.0.1',
      '::7f00:1',
      '64:ff9b::a00:1',
      '64:ff9b::10.0.0.1',
      '[::ffff:a9fe:a9fe]',
      '::ffff:169.254.169.254',
      '0:0:0:0:0:ffff:7f00:1',
      '::FFFF:7F00:1',
      '2002:7f00:1::1',
      '2002:a9fe:a9fe::',
      '::',
      '::1',
      '::0:1',
      'fe80::1%eth0',
    ]) {
      expect(isPrivateAddress(ip), ip).toBe(true)
    }
  })

  it('blocks the reserved IPv4 ranges: IETF 192.0.0/24, benchmarking 198.18/15, multicast 224/4, reserved 240/4 and broadcast', () => {
    for (const ip of [
      '192.0.0.1',
      '198.18.0.1',
      '198.19.255.255',
      '224.0.0.1',
      '239.255.255.250',
      '240.0.0.1',
      '255.255.255.255',
      '100.64.0.1',
      '192.0.2.1',
      '203.0.113.9',
    ]) {
      expect(isPrivateAddress(ip), ip).toBe(true)
    }
  })

  it('blocks IPv6 multicast, unique local, link-local, site-local, Teredo and documentation ranges', () => {
    for (const ip of [
      'ff02::1',
      'ff05::2',
      'fc00::1',
      'fd00::1',
      'fe80::1',
      'fec0::1',
      '2001::1',
      '2001:db8::1',
      '64:ff9b:1::1',
      '100::1',
    ]) {
      expect(isPrivateAddress(ip), ip).toBe(true)
    }
  })

  it('lets public addresses through, including public IPv4 mapped into IPv6', () => {
    for (const ip of [
      '8.8.8.8',
      '1.1.1.1',
      '172.32.0.1',
      '198.20.0.1',
      '223.255.255.255',
      '93.184.216.34',
      '2606:4700::1111',
      '2a00:1450:4001::200e',
      '2001:4860:4860::8888',
      '2001:db9::1',
      '::ffff:8.8.8.8',
      '::ffff:808:808',
      '64:ff9b::808:808',
      '2002:808:808::1',
    ]) {
      expect(isPrivateAddress(ip), ip).toBe(false)
    }
  })

  it('refuses IP-literal URLs in the decimal, octal, hex and IPv6 forms the URL parser normalizes, without a DNS answer', async () => {
    for (const url of [
      'http://2130706433/',
      'http://0x7f.1/',
      'http://0177.0.0.1/',
      'http://127.1/',
      'http://[::ffff:127.0.0.1]:47999/x',
      'http://[::ffff:7f00:1]/',
      'http://[::127.0.0.1]/',
      'http://[64:ff9b::a00:1]/',
      'http://[::ffff:a9fe:a9fe]/latest/meta-data',
      'http://0xa9fea9fe/',
      'http://[::]/',
      'http://0/',
    ]) {
      expect(await refuseTarget(url, { allowPrivate: false, resolve: publicDns }), `${url} (${hostOf(url)})`).toMatch(
        /^resolves to a private or loopback address/,
      )
    }
    expect(await refuseTarget('http://[2606:4700::1111]/x', { allowPrivate: false, resolve: publicDns })).toBeNull()
  })

  it('refuses a host any of whose DNS answers is an IPv4-mapped private address', async () => {
    expect(
      await refuseTarget('https://hooks.example.test/x', { allowPrivate: false, resolve: async () => ['93.184.216.34', '::ffff:a00:1'] }),
    ).toBe('resolves to a private or loopback address (::ffff:a00:1)')
  })
})

describe('webhook delivery failures', () => {
  it('are named by a category, not by the network error\'s text', () => {
    expect(networkFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toBe(
      'connection_refused',
    )
    expect(networkFailure(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('network_error')
    expect(networkFailure(Object.assign(new Error('aborted'), { name: 'TimeoutError' }))).toBe('timeout')
    expect(networkFailure(Object.assign(new Error('bad cert'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }))).toBe('tls_error')
    expect(networkFailure('weird')).toBe('network_error')
    expect([301, 404, 503, 600].map(statusFailure)).toEqual(['http_3xx', 'http_4xx', 'http_5xx', 'http_other'])
  })
})
