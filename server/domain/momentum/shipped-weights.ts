// Written by `npm run fit:momentum` (scripts/momentum-eval/run.ts --fit): do not edit by hand.
// Fitted jointly (L2-regularized logistic regression, the stage's log-odds as the offset) on
// 3600 open deals of generated training tenants (seeds 1, 2, 3); the state thresholds are
// quantiles of those deals' weekly change and level against their stage.
export const SHIPPED = {
  fittedOn: 'training seeds 1, 2, 3, 3600 deals',
  weights: {
    intercept: -0.501,
    stage: -0.338,
    buyer_engaging: 0.828,
    buyer_answers: 1.021,
    reply_speed: 0.675,
    buyer_month: 0,
    buyer_reading: 0,
    engagement_trend: 0,
    recent_two_way: 0,
    no_reply: 0,
    never_engaged: 0,
    multi_threaded: 0,
    single_threaded: -0.066,
    new_stakeholder: 0,
    champion_lost: -1.102,
    replies_slowing: 0,
    replies_quicker: 0.312,
    stage_slow: -0.812,
    close_pushed: -0.312,
    amount_cut: -0.901,
    close_date_passed: 0,
    close_soon_engaged: 0.128,
    unanswered_outreach: 0,
  },
  state: { atRiskChange: -0.7, atRiskBelowStage: -1.43, stallingChange: -0.34, stallingBelowStage: -0.53, acceleratingChange: 0.48, acceleratingAboveStage: 0 },
} as const
