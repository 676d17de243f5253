import type Stripe from 'stripe'
import { applyStripeEvent } from '../../domain/billing/apply'
import { config } from '../../domain/core/config'

/**
 * Stripe's webhook. The signature is checked with `constructEvent` on the raw body (400 and
 * nothing stored otherwise); the event is applied idempotently; unknown types are acknowledged.
 */
export default defineEventHandler(async (event) => {
  const stripe = useStripe()
  const secret = config.stripe().webhookSecret
  if (!stripe || !secret) throw createError({ statusCode: 404, statusMessage: 'billing is not configured' })
  const signature = getHeader(event, 'stripe-signature')
  const body = await readRawBody(event, false)
  if (!signature || !body) throw createError({ statusCode: 400, statusMessage: 'missing Stripe-Signature or body' })
  let verified: Stripe.Event
  try {
    verified = stripe.webhooks.constructEvent(body, signature, secret)
  }
  catch {
    throw createError({ statusCode: 400, statusMessage: 'invalid Stripe signature' })
  }
  // An applied change is a `billing.changed` on the bus: every process forgets the plan it kept.
  const { outcome } = await applyStripeEvent(await useDb(), verified)
  return { received: true, outcome }
})
