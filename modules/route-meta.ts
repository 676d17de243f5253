import { join } from 'node:path'
import { defineNuxtModule } from '@nuxt/kit'
import { routeFilesWithMeta, routeMetaSource } from '../server/openapi/routeFiles'

/**
 * The route table: `#route-meta` in the server bundle is every route file's `meta` (declared
 * beside its handler with defineRoute), keyed by `METHOD /api/path`. The OpenAPI document, the
 * plan gates and the body limits read it, so adding a route is adding its file. Outside the
 * bundle (unit tests, scripts) the same table is read by server/openapi/scan.ts.
 */
export default defineNuxtModule({
  meta: { name: 'route-meta' },
  setup(_options, nuxt) {
    nuxt.hook('nitro:config', (config) => {
      config.virtual ??= {}
      config.virtual['#route-meta'] = () => routeMetaSource(routeFilesWithMeta(join(nuxt.options.rootDir, 'server/api')))
    })
  },
})
