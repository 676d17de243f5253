import { sfDateTime, sfId, type SalesforceMock } from './salesforce-mock'

export const SF_STAGES = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Value Proposition',
  'Id. Decision Makers',
  'Perception Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
] as const
const PROBABILITY: Record<string, number> = {
  'Prospecting': 10,
  'Qualification': 10,
  'Needs Analysis': 20,
  'Value Proposition': 50,
  'Id. Decision Makers': 60,
  'Perception Analysis': 70,
  'Proposal/Price Quote': 75,
  'Negotiation/Review': 90,
  'Closed Won': 100,
  'Closed Lost': 0,
}
const FORECAST: Record<string, string> = {
  'Closed Won': 'Closed',
  'Closed Lost': 'Omitted',
  'Negotiation/Review': 'Commit',
  'Proposal/Price Quote': 'Best Case',
}

/** The org's users: the first ones have emails the tenant knows (`knownEmails`), the last one nobody here knows. */
export const sfUserEmail = (i: number) => `rep${i}@org.example.test`

export interface OrgShape { users: number, accounts: number, contacts: number, opportunities: number, tasks: number, events: number }

/**
 * Fills the local Salesforce with an org of the given size, every record last modified in the
 * past, one second apart (so the watermark and its overlap are exact), opportunities spread over
 * the standard stages.
 */
export function seedOrg(mock: SalesforceMock, shape: OrgShape, base = new Date(Date.now() - 30 * 86_400_000)) {
  let tick = 0
  const stamp = () => sfDateTime(new Date(base.getTime() + (tick++) * 1000))
  const userIds = Array.from({ length: shape.users }, (_, i) => sfId('005', i + 1))
  userIds.forEach((Id, i) => mock.insert('User', { Id, Email: sfUserEmail(i), Name: `Rep ${i}`, IsActive: true, SystemModstamp: stamp() }))
  const owner = (i: number) => userIds[i % userIds.length]!
  const accountIds = Array.from({ length: shape.accounts }, (_, i) => sfId('001', i + 1))
  accountIds.forEach((Id, i) =>
    mock.insert('Account', {
      Id,
      Name: `Account ${i}`,
      Website: `https://www.account${i}.example.test`,
      Industry: i % 2 ? 'Software' : 'Retail',
      OwnerId: owner(i),
      SystemModstamp: stamp(),
    }),
  )
  const contactIds = Array.from({ length: shape.contacts }, (_, i) => sfId('003', i + 1))
  contactIds.forEach((Id, i) =>
    mock.insert('Contact', {
      Id,
      FirstName: `First${i}`,
      LastName: `Last${i}`,
      Email: `Person${i}@Account${i % shape.accounts}.example.test`,
      Phone: null,
      Title: 'Buyer',
      AccountId: accountIds[i % shape.accounts]!,
      OwnerId: owner(i),
      SystemModstamp: stamp(),
    }),
  )
  const opportunityIds = Array.from({ length: shape.opportunities }, (_, i) => sfId('006', i + 1))
  opportunityIds.forEach((Id, i) => {
    const stage = SF_STAGES[i % SF_STAGES.length]!
    const created = new Date(base.getTime() - (i % 200) * 86_400_000)
    mock.insert('Opportunity', {
      Id,
      Name: `Opportunity ${i}`,
      AccountId: accountIds[i % shape.accounts]!,
      Amount: 1000 + (i % 97) * 250,
      CloseDate: new Date(base.getTime() + (i % 120) * 86_400_000).toISOString().slice(0, 10),
      StageName: stage,
      Probability: PROBABILITY[stage]!,
      ForecastCategoryName: FORECAST[stage] ?? 'Pipeline',
      IsClosed: stage.startsWith('Closed'),
      IsWon: stage === 'Closed Won',
      OwnerId: owner(i),
      Type: i % 3 ? 'New Customer' : 'Existing Customer - Upgrade',
      LeadSource: 'Web',
      CreatedDate: sfDateTime(created),
      LastStageChangeDate: sfDateTime(created),
      SystemModstamp: stamp(),
    })
  })
  const roles = Math.min(shape.contacts, shape.opportunities)
  for (let i = 0; i < roles; i++) {
    mock.insert('OpportunityContactRole', {
      Id: sfId('00K', i + 1),
      OpportunityId: opportunityIds[i]!,
      ContactId: contactIds[i]!,
      Role: i % 2 ? 'Decision Maker' : 'Evaluator',
      SystemModstamp: stamp(),
    })
  }
  for (let i = 0; i < shape.tasks; i++) {
    const subtype = ['Call', 'Email', 'Task'][i % 3]!
    mock.insert('Task', {
      Id: sfId('00T', i + 1),
      Subject: `${subtype} ${i}`,
      TaskSubtype: subtype,
      Type: subtype === 'Task' ? 'Other' : subtype,
      Status: 'Completed',
      IsClosed: true,
      ActivityDate: new Date(base.getTime() - i * 3_600_000).toISOString().slice(0, 10),
      CompletedDateTime: sfDateTime(new Date(base.getTime() - i * 3_600_000)),
      CallDurationInSeconds: subtype === 'Call' ? 300 : null,
      CallDisposition: subtype === 'Call' ? 'Connected' : null,
      WhoId: contactIds[i % shape.contacts]!,
      WhatId: opportunityIds[i % shape.opportunities]!,
      AccountId: accountIds[(i % shape.contacts) % shape.accounts]!,
      OwnerId: owner(i),
      SystemModstamp: stamp(),
    })
  }
  for (let i = 0; i < shape.events; i++) {
    const start = new Date(i % 2 ? base.getTime() - 86_400_000 : Date.now() + 7 * 86_400_000)
    mock.insert('Event', {
      Id: sfId('00U', i + 1),
      Subject: `Meeting ${i}`,
      StartDateTime: sfDateTime(start),
      EndDateTime: sfDateTime(new Date(start.getTime() + 3_600_000)),
      DurationInMinutes: 60,
      WhoId: contactIds[i % shape.contacts]!,
      WhatId: accountIds[i % shape.accounts]!,
      AccountId: accountIds[i % shape.accounts]!,
      OwnerId: owner(i),
      SystemModstamp: stamp(),
    })
  }
  return { userIds, accountIds, contactIds, opportunityIds }
}
