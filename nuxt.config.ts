import { fileURLToPath } from 'node:url'
import type { NitroConfig } from 'nitropack/types'
import { SESSION_MAX_AGE_SECONDS } from './server/domain/tenancy/sessionPolicy'

// Nuxt 4.5 types `nitro` through a registry that nothing fills in yet, which hides most of
// Nitro's options (`experimental.tasks` among them); give it Nitro's own config type.
declare module '@nuxt/schema' {
  interface NitroTypes {
    config: NitroConfig
  }
}

export default defineNuxtConfig({
  modules: ['@nuxt/ui', '@nuxt/eslint', 'nuxt-auth-utils'],

  devtools: { enabled: false },

  css: ['~/assets/css/main.css'],

  // No font CDN is reachable: use the system font stack.
  ui: { fonts: false },

  runtimeConfig: {
    // Overridden by NUXT_SEED_DEMO; the demo seed also runs on an empty embedded database in dev.
    seedDemo: '',
    // Sessions end at the latest this long after sign-in: the cookie, its seal and the
    // `loggedInAt` every request checks (server/utils/auth.ts). The password comes from NUXT_SESSION_PASSWORD.
    session: { password: '', maxAge: SESSION_MAX_AGE_SECONDS },
  },

  compatibilityDate: '2026-11-01',

  nitro: {
    // The SQL migrations travel with the server bundle, so a built server can migrate itself.
    serverAssets: [{ baseName: 'migrations', dir: fileURLToPath(new URL('./db/migrations', import.meta.url)) }],
    experimental: { tasks: true },
    scheduledTasks: {
      '15 3 * * *': ['events:partitions'],
      // Hourly scoring (it refreshes the pipeline views when done); the day's snapshot before midnight UTC.
      '5 * * * *': ['momentum:refresh'],
      '55 23 * * *': ['pipeline:snapshot'],
      // Reminders of due tasks every quarter hour; the daily digest at 07:00 UTC.
      '*/15 * * * *': ['tasks:reminders'],
      '0 7 * * *': ['digest:send'],
      // Time-based rules and due sequence steps after the hourly scoring; webhook retries every minute.
      '15 * * * *': ['automation:run'],
      '* * * * *': ['webhooks:deliver'],
      // Each connection syncs on its own interval; the task looks for due ones every 5 minutes.
      '*/5 * * * *': ['salesforce:sync'],
      // Raw inbound email payloads past each tenant's retention.
      '40 3 * * *': ['email:retention'],
    },
  },

  typescript: {
    strict: true,
  },

  hooks: {
    // server/error.ts runs before Nuxt's error handler (set by now): it keeps query parameters out of the log.
    'nitro:config'(config) {
      config.errorHandler = [fileURLToPath(new URL('./server/error.ts', import.meta.url)), ...[config.errorHandler ?? []].flat()]
    },
  },

  eslint: {
    config: { stylistic: true },
  },

  // Icons come from the installed @iconify-json/lucide set, bundled; never fetched at run time.
  icon: {
    serverBundle: { collections: ['lucide'] },
    clientBundle: { scan: true },
    fallbackToApi: false,
  },
})
