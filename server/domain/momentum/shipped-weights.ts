// Written by `npm run fit:momentum` (scripts/momentum-eval/run.ts --fit): do not edit by hand.
// Fitted jointly (L2-regularized logistic regression, the stage's log-odds as the offset) on
// 3600 open deals of generated training tenants (seeds 1, 2, 3); the state thresholds are
// quantiles of those deals' weekly change and level against their stage.
export const SHIPPED = {
  fittedOn: 'training seeds 1, 2, 3, 3600 deals',
  weights: {
    intercept: -0.569,
    stage: -0.335,
    buyer_engaging: 0.691,
    buyer_answers: 0.359,
    reply_speed: 0.583,
    buyer_month: 0.33,
    buyer_reading: 0,
    engagement_trend: 0.072,
    recent_two_way: 0.168,
    no_reply: 0,
    never_engaged: -0.277,
    multi_threaded: 0.022,
    single_threaded: 0,
    new_stakeholder: 0.052,
    champion_lost: -0.772,
    replies_slowing: 0,
    replies_quicker: 0,
    stage_slow: -0.941,
    close_pushed: -0.445,
    amount_cut: -1.179,
    close_date_passed: 0,
    close_soon_engaged: 0.219,
    stage_moved: 0.419,
    unanswered_outreach: 0,
  },
  state: {
    atRiskChange: -0.82,
    atRiskBelowStage: -1.47,
    stallingChange: -0.43,
    stallingBelowStage: -0.4,
    acceleratingChange: 0.54,
    acceleratingAboveStage: 0.17,
  },
} as const
