// Stops any npm script at once on a Node.js older than the one Nuxt 4.5 needs.
// Written in plain JavaScript that old Node versions can still parse.
var need = [22, 19]
var have = process.versions.node.split('.').map(Number)
if (have[0] < need[0] || (have[0] === need[0] && have[1] < need[1])) {
  console.error(
    'Momentum CRM needs Node.js >= 22.19 (you have '
    + process.versions.node
    + '): install Node 24, e.g. `npm install --prefix ~/.node24 node@24` and put ~/.node24/node_modules/node/bin first on PATH.',
  )
  process.exit(1)
}
