// @ts-check
import withNuxt from './.nuxt/eslint.config.mjs'

export default withNuxt(
  {
    ignores: ['.data/**', 'bench/results/**', 'db/migrations/**'],
  },
  {
    // A line fits on a reviewer's screen (issue 21): 140 characters; URLs aside.
    rules: {
      '@stylistic/max-len': ['error', { code: 140, ignoreUrls: true }],
    },
  },
)
