// npm run docs:api — rewrites the route tables of docs/api.md (between its routes:begin and
// routes:end markers) from the OpenAPI document the server serves at GET /api/openapi.json.
// Run it after adding or changing a route; tests/unit/docs-api.test.ts fails until you do.
import { writeFileSync } from 'node:fs'
import { API_DOC_PATH, currentRouteTables, generatedSection, readApiDoc, replaceGenerated } from './lib/api-doc'

const markdown = readApiDoc()
const section = await currentRouteTables()
if (generatedSection(markdown) === section) {
  console.log('docs/api.md: the route tables are current')
}
else {
  writeFileSync(API_DOC_PATH, replaceGenerated(markdown, section))
  console.log('docs/api.md: route tables rewritten from the OpenAPI document')
}
