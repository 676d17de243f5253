import type { EventType } from '../../../db/schema'

/** The demo's data: the names it draws from, its stage mix and activity mix, and its seeded random numbers. Pure. */

export const DAY = 86_400_000

/** A small seeded PRNG (mulberry32): the same demo every time. */
export function random(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  }
}

export const PREFIXES = [
  'Blue',
  'North',
  'Silver',
  'Bright',
  'Granite',
  'Summit',
  'Harbor',
  'Pioneer',
  'Cedar',
  'Atlas',
  'Nimbus',
  'Vertex',
  'Lumen',
  'Orbit',
  'Quarry',
  'Redwood',
  'Sterling',
  'Tidal',
  'Union',
  'Willow',
]
export const SUFFIXES = [
  'Logistics',
  'Health',
  'Analytics',
  'Foods',
  'Energy',
  'Robotics',
  'Capital',
  'Media',
  'Systems',
  'Retail',
  'Labs',
  'Manufacturing',
]
export const INDUSTRIES = ['Software', 'Healthcare', 'Finance', 'Retail', 'Manufacturing', 'Energy', 'Media', 'Logistics']
export const FIRST = [
  'Alex',
  'Priya',
  'Marcus',
  'Elena',
  'Tom',
  'Aisha',
  'Ben',
  'Chloe',
  'Diego',
  'Fatima',
  'George',
  'Hana',
  'Ivan',
  'Julia',
  'Kofi',
  'Lena',
  'Mateo',
  'Nora',
  'Omar',
  'Paula',
]
export const LAST = [
  'Smith',
  'Patel',
  'Kim',
  'Garcia',
  'Müller',
  'Rossi',
  'Nguyen',
  'Johnson',
  'Silva',
  'Brown',
  'Tanaka',
  'Cohen',
  'Dubois',
  'Larsen',
  'Novak',
]
export const TITLES = ['VP Sales', 'CFO', 'Head of IT', 'Procurement Lead', 'COO', 'Director of Operations', 'CTO', 'Engineering Manager']
export const PRODUCTS = ['Platform', 'Analytics add-on', 'Expansion', 'Renewal', 'Pilot', 'Enterprise licence']

/** How many deals end in each stage, and how the open ones behave lately. */
export const STAGE_MIX: [string, number][] = [
  ['new', 40],
  ['contacted', 45],
  ['qualified', 50],
  ['proposal', 45],
  ['negotiation', 30],
  ['won', 50],
  ['lost', 40],
]
export type Shape = 'heating' | 'steady' | 'quiet' | 'pushed'

export const NEXT_STEPS: Record<string, string[]> = {
  new: ['Research the account', 'First call with the champion'],
  contacted: ['Book a discovery call', 'Send the one-pager'],
  qualified: ['Run the demo', 'Map the buying committee'],
  proposal: ['Walk through the proposal', 'Follow up on pricing'],
  negotiation: ['Send the redlines back', 'Get the order form signed'],
}

export const DEMO_LEAD_SOURCES = ['inbound', 'website', 'referral', 'event', 'partner', 'outbound'] as const
export const LEAD_COMPANIES = [
  'Kestrel Freight',
  'Juniper Clinics',
  'Marlow Bank',
  'Ember Solar',
  'Fjord Foods',
  'Halcyon Media',
  'Iris Robotics',
  'Onyx Retail',
]

export const ACTIVITY_MIX: [EventType, number, 'out' | 'in'][] = [
  ['email_sent', 28, 'out'], ['email_delivered', 4, 'out'], ['email_opened', 14, 'in'], ['email_clicked', 5, 'in'],
  ['email_received', 15, 'in'], ['call', 15, 'out'], ['meeting_scheduled', 5, 'out'], ['meeting_held', 7, 'out'], ['note', 7, 'out'],
]
export const MIX_TOTAL = ACTIVITY_MIX.reduce((s, [, w]) => s + w, 0)
