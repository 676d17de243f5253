/**
 * What a page must never show people: an object printed as "[object Object]", a stored key in
 * snake_case (`no_answer`), a bare decimal rate (`0.837`) or a long unformatted amount (`2778500`).
 * `allowed` are texts the page shows on purpose (a custom field's key on Settings → Fields).
 */
export function textProblems(text: string, allowed: RegExp[] = []): string[] {
  const cleaned = allowed.reduce((t, re) => t.replace(new RegExp(re.source, `${re.flags.replace('g', '')}g`), ' '), text)
    // Addresses, links and times are not numbers or keys people read as such.
    .replace(/\S+@\S+\.\S+/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\b\d{1,2}:\d{2}(:\d{2})?\b/g, ' ')
  const problems: string[] = []
  if (cleaned.includes('[object Object]')) problems.push('[object Object]')
  for (const m of cleaned.matchAll(/(?<![\w.:/-])[a-z]+(?:_[a-z0-9]+)+(?![\w.:/-])/g)) problems.push(`raw key "${m[0]}"`)
  for (const m of cleaned.matchAll(/(?<![\w.,$€£])0\.\d{3,}(?![\w%])/g)) problems.push(`bare rate "${m[0]}"`)
  for (const m of cleaned.matchAll(/(?<![\w.,#/-])\d{5,}(?![\w.,%-])/g)) problems.push(`unformatted number "${m[0]}"`)
  return [...new Set(problems)]
}
