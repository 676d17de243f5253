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

/**
 * What the demo's activity says, so its timelines read like a real deal's: email threads (the
 * subject, what was written and what came back), what was said on calls, meeting titles and notes.
 * `{first}` is the contact's first name, `{company}` the account's name.
 */
export const EMAIL_THREADS: { subject: string, sent: string, reply: string }[] = [
  {
    subject: 'Following up on our call',
    sent: 'Hi {first}, thanks for the time today. As promised, here is a short summary and the next steps we agreed on.',
    reply: 'Thanks, this matches my notes. I have shared it with the team and will come back to you by Friday.',
  },
  {
    subject: 'Pricing for {company}',
    sent: 'Hi {first}, attached is the pricing for the seats we discussed, with the annual and the two-year option side by side.',
    reply: 'The two-year option looks interesting. Could you add the onboarding services as a separate line?',
  },
  {
    subject: 'Security questionnaire',
    sent: 'Hi {first}, our completed security questionnaire and the SOC 2 report are attached. Happy to walk your IT team through it.',
    reply: 'Our IT lead has a few follow-up questions on data residency. Can we set up 30 minutes next week?',
  },
  {
    subject: 'Demo recording and slides',
    sent: 'Hi {first}, here is the recording of the demo and the slides, including the reporting examples your team asked about.',
    reply: 'Great, thanks. The forecasting view went down well with our sales leads.',
  },
  {
    subject: 'Proposal: rollout in two phases',
    sent: 'Hi {first}, please find our proposal for a two-phase rollout: the pilot team first, then the rest of the org in Q2.',
    reply: 'We like the phased approach. Procurement will need the order form and your standard terms.',
  },
  {
    subject: 'Order form and terms',
    sent: 'Hi {first}, the order form and our terms are attached. Let me know if legal has redlines and I will turn them around quickly.',
    reply: 'Legal has sent back two small changes on the liability clause; see the attached version.',
  },
  {
    subject: 'Checking in',
    sent: 'Hi {first}, just checking in to see whether you had a chance to review the material I sent over last week.',
    reply: 'Sorry for the delay, it has been a busy quarter end. Let us pick this up early next week.',
  },
  {
    subject: 'Intro: our customer success team',
    sent: 'Hi {first}, I would like to introduce you to the customer success manager who would look after {company}.',
    reply: 'Nice to meet you both. Looking forward to the kick-off.',
  },
]
export const EMAIL_LINKS = ['https://momentum.example/pricing', 'https://momentum.example/case-studies', 'https://momentum.example/security']
export const CALL_NOTES = [
  'Walked through the rollout plan; {first} wants to involve finance before the next step.',
  'Discussed timeline: they aim to decide before the end of the quarter.',
  '{first} confirmed the budget is approved; procurement is the next hurdle.',
  'Reviewed the pilot results with {first}; positive on reporting, questions on integrations.',
  'Talked through competing offers; price is close, support is our edge.',
  'Quick check-in; {first} is waiting on feedback from the IT team.',
]
export const MEETING_TITLES = [
  'Discovery call', 'Product demo', 'Pricing review', 'Security review', 'Procurement check-in', 'Pilot kick-off',
  'Executive sponsor meeting', 'Contract walkthrough',
]
export const NOTE_TEXTS = [
  '{first} is our champion; the CFO signs off on anything above the budget line.',
  'They are also evaluating a competitor. Lead with the forecasting features. @maya could you join the next call?',
  '{first} prefers short emails and calls before 10 am.',
  'Pilot went well with the pilot team. Next: get the rollout plan in front of the COO.',
  'Procurement needs three weeks for vendor onboarding; plan the close date around it.',
  'Budget was cut by 10 %; expect a push on price. @maya heads-up for the forecast.',
]
