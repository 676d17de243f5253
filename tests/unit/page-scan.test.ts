import { describe, expect, it } from 'vitest'
import { textProblems } from '../e2e/setup/scan'

describe('the rendered-text scan of the page test', () => {
  it('finds objects printed as text, stored snake_case keys, bare rates and unformatted amounts', () => {
    expect(textProblems('Details [object Object]')).toEqual(['[object Object]'])
    expect(textProblems('Call · no_answer · 5 min')).toEqual(['raw key "no_answer"'])
    expect(textProblems('Win rate 0.837')).toEqual(['bare rate "0.837"'])
    expect(textProblems('Pipeline 2778500')).toEqual(['unformatted number "2778500"'])
  })

  it('passes formatted figures, emails, links, times and the texts a page allows', () => {
    expect(textProblems('$2,778,500 · 83.7 % · 2027 · 12:30 · riley_chen@demo.example · https://x.example/a_b')).toEqual([])
    expect(textProblems('key: support_tier', [/key: [a-z0-9_]+/])).toEqual([])
  })
})
