/**
 * Security headers and the Content-Security-Policy. Pure. Pages get a strict CSP: only scripts
 * carrying the response's nonce run (server/plugins/security.ts puts it on every script and
 * module preload Nuxt renders), and what those load or insert themselves ('strict-dynamic':
 * lazy chunks, the head manager's tags). API answers get a CSP that allows nothing.
 */

/** The CSP of a rendered page. Styles allow inline: Nuxt UI and Vue transitions set style attributes. */
export function pageCsp(nonce: string): string {
  return [
    `default-src 'self'`,
    // 'self' only for browsers without CSP 3, which ignore 'strict-dynamic'.
    `script-src 'nonce-${nonce}' 'strict-dynamic' 'self'`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data: blob:`,
    `font-src 'self' data:`,
    `connect-src 'self'`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ].join('; ')
}

/** An API answer is data, never a document to run. */
export const API_CSP = `default-src 'none'; frame-ancestors 'none'`

/** Headers on every answer. HSTS only where the app is served over HTTPS. */
export function securityHeaders(options: { https: boolean }): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-DNS-Prefetch-Control': 'off',
    ...(options.https ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  }
}

/** Adds the nonce to every `<script` tag, and every script preload link, of rendered HTML that has none. */
export function addNonce(chunk: string, nonce: string): string {
  return chunk
    .replace(/<script(?![^>]*\snonce=)(?=[\s>])/gi, `<script nonce="${nonce}"`)
    .replace(/<link(?=[^>]*\srel="modulepreload"|[^>]*\sas="script")(?![^>]*\snonce=)(?=\s)/gi, `<link nonce="${nonce}"`)
}
