import { describe, expect, it } from 'vitest'
import { autoReplyReason, flagAutoReply } from '../../server/domain/email/tracking/autoReply'
import { flagMachine } from '../../server/domain/email/tracking/machine'

describe('auto-replies', () => {
  it('reads the headers that mark machine-written mail, in any of the shapes providers give them', () => {
    expect(autoReplyReason({ 'Auto-Submitted': 'auto-replied' }, 'Re: proposal')).toBe('auto-submitted')
    expect(autoReplyReason(new Map([['auto-submitted', { value: 'auto-generated', params: {} }]]), null)).toBe('auto-submitted')
    expect(autoReplyReason([{ Name: 'X-Autoreply', Value: 'yes' }], 'Re: hello')).toBe('x-autoreply')
    expect(autoReplyReason([['X-Auto-Response-Suppress', 'All']], 'Re: hello')).toBe('x-auto-response-suppress')
    expect(autoReplyReason({ Precedence: 'auto_reply' }, 'Re: hello')).toBe('precedence: auto_reply')
  })

  it('takes "Auto-Submitted: no" and an ordinary reply for a person', () => {
    expect(autoReplyReason({ 'Auto-Submitted': 'no' }, 'Re: the proposal')).toBeNull()
    expect(autoReplyReason(null, 'Re: our call on Tuesday')).toBeNull()
    expect(autoReplyReason({}, 'Thanks, out of budget this quarter though')).toBeNull()
  })

  it('knows out-of-office subjects in the common languages', () => {
    for (const subject of [
      'Out of Office: Re: pricing',
      'Automatic reply: next steps',
      'Abwesenheitsnotiz: Re: Angebot',
      'Réponse automatique : suivi',
      'Fuera de la oficina: propuesta',
      'Risposta automatica: offerta',
      'Afwezig: Re: offerte',
      'Resposta automática: proposta',
      '自動返信: お見積もり',
    ]) {
      expect(autoReplyReason(null, subject), subject).toBe('out-of-office subject')
    }
  })

  it('flags only received mail, and keeps the rest of the metadata', () => {
    expect(flagAutoReply('email_received', { threadId: 't1', subject: 'Out of office' })).toEqual({
      threadId: 't1',
      subject: 'Out of office',
      autoReply: true,
      autoReplyReason: 'out-of-office subject',
    })
    expect(flagAutoReply('email_sent', { subject: 'Out of office' })).toEqual({ subject: 'Out of office' })
    expect(flagAutoReply('email_received', { subject: 'Re: proposal' })).toEqual({ subject: 'Re: proposal' })
  })
})

describe('machine opens posted as events', () => {
  const at = new Date('2026-11-20T10:00:00Z')
  it('flags Apple\'s proxy and scanners by agent and address; a person\'s open stays as it is', () => {
    expect(flagMachine('email_opened', at, { userAgent: 'Mozilla/5.0' })).toMatchObject({
      machine: true,
      machineReason: 'apple_privacy_proxy',
    })
    expect(flagMachine('email_opened', at, { ip: '17.58.1.9' })).toMatchObject({ machine: true })
    expect(flagMachine('email_clicked', at, { userAgent: 'Mimecast URL protection' })).toMatchObject({
      machine: true,
      machineReason: 'security_scanner',
    })
    expect(flagMachine('email_opened', at, { userAgent: 'Mozilla/5.0 (Windows NT 10.0) Outlook/16.0' })).toEqual({
      userAgent: 'Mozilla/5.0 (Windows NT 10.0) Outlook/16.0',
    })
    expect(flagMachine('email_opened', at, { machine: false, userAgent: 'Mozilla/5.0' })).toEqual({
      machine: false,
      userAgent: 'Mozilla/5.0',
    })
    expect(flagMachine('call', at, { userAgent: 'Mozilla/5.0' })).toEqual({ userAgent: 'Mozilla/5.0' })
  })
})
