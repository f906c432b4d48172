// The finance word list the sentiment scorer reads, written for this
// project in the manner of Loughran and McDonald's lists (words judged by
// what they mean in financial news: "liability" and "tax" are not bad news,
// "beat" and "miss" are). Each string holds a word's inflections. Released
// with the project under its MIT licence.

/** Good news in any context: they say the news is good whatever they qualify. */
const POSITIVE = `
  beat beats beating outperform outperforms outperformed outperforming outperformance top tops topped topping
  exceed exceeds exceeded exceeding upgrade upgrades upgraded upgrading
  strong stronger strongest strength strengthen strengthens strengthened robust solid healthy resilient resilience
  improve improves improved improving improvement improvements better best
  recover recovers recovered recovering recovery rebound rebounds rebounded rebounding turnaround
  win wins won winning winner award awards awarded approve approves approved approval approvals clearance cleared
  breakthrough breakthroughs success successful successfully milestone milestones
  bullish optimistic optimism upbeat confident confidence favorable favourable positive upside tailwind tailwinds
  profitable profitability lucrative momentum boom booming thrive thrives thriving
  overweight accretive attractive land lands landed meet meets met benefit benefits benefited satisfied
  settle settles settled settlement partnership partner partners partnered collaboration deal deals agreement
  launch launches launched unveil unveils unveiled innovative innovation
  buyback buybacks repurchase
  reaffirm reaffirms reaffirmed affirm affirms affirmed
  exceptional excellent impressive stellar blowout
  gain gains
  secure secures secured
`;

/** Bad news in any context. */
const NEGATIVE = `
  miss misses missed missing shortfall shortfalls disappoint disappoints disappointed disappointing disappointment
  downgrade downgrades downgraded downgrading underperform underperforms underperformed underperforming
  weak weaker weakest weakness weaken weakens weakened soft softer softness sluggish
  worse worst worsen worsens worsened worsening deteriorate deteriorates deteriorated deteriorating deterioration
  warn warns warned warning warnings caution cautious concern concerns concerned worry worries worried fear fears
  bearish pessimistic pessimism gloomy gloom downbeat negative downside headwind headwinds
  lawsuit lawsuits sue sues sued suing litigation probe probes investigation investigations investigate investigates investigated
  subpoena subpoenas fraud fraudulent scandal scandals misconduct violation violations violate violated breach breaches breached
  fine fined fines penalty penalties sanction sanctions charged indicted indictment allegation allegations alleged
  recall recalls recalled defect defects defective flaw flaws flawed
  bankrupt bankruptcy bankruptcies insolvency insolvent default defaults defaulted liquidation restructuring chapter
  delist delisted delisting halt halts halted suspend suspends suspended suspension
  delay delays delayed postpone postpones postponed cancel cancels canceled cancelled cancellation
  reject rejects rejected rejection deny denies denied
  layoff layoffs redundancies furlough furloughs
  writedown writedowns write-down impairment impairments restate restates restated restatement
  resign resigns resigned resignation oust ousts ousted fired
  crisis turmoil chaos collapse collapses collapsed crash crashes crashed selloff sell-off rout
  recession slowdown stagnation stagnant contraction downturn slump slumps slumped
  outage outages hack hacked cyberattack strike strikes shortage shortages disruption disruptions disrupt disrupted
  volatile uncertainty uncertain unrest tension tensions dispute disputes
  underweight dilutive dilution bad pressure pressures pressured ground grounds grounded
  overstate overstates overstated misstate misstated wrongdoing hit-by hit-with
  loss losses layoffs writedowns defaults delinquencies outflows deficit deficits
  fail fails failed failure failures struggle struggles struggled struggling
  plummet plummets plummeted bleak dismal grim
  unprofitable losing
  short-seller
`;

/**
 * Words of movement: up or down. What a movement means depends on what
 * moves: profit rising is good news, costs rising bad (see the targets).
 * With no target near, up counts as good and down as bad ("Apple falls").
 */
const UP = `
  rise rises rose risen rising jump jumps jumped jumping surge surges surged surging soar soars soared soaring
  climb climbs climbed climbing increase increases increased increasing grow grows grew grown growing
  boost boosts boosted boosting raise raises raised raising lift lifts lifted lifting hike hikes hiked
  rally rallies rallied rallying expand expands expanded expanding expansion accelerate accelerates accelerated accelerating
  widen widens widened widening double doubles doubled triple tripled spike spikes spiked swell swells swelled
  up higher high highs record advance advances advanced advancing bigger larger wider
  swing swings swung balloon balloons ballooned mount mounts mounting pile piles
`;

const DOWN = `
  fall falls fell fallen falling drop drops dropped dropping decline declines declined declining
  slip slips slipped slipping slide slides slid sliding sink sinks sank sunk sinking plunge plunges plunged plunging
  tumble tumbles tumbled tumbling dive dives dived dove sag sags sagged dip dips dipped
  cut cuts cutting lower lowers lowered lowering reduce reduces reduced reducing reduction slash slashes slashed slashing
  trim trims trimmed trimming shrink shrinks shrank shrunk shrinking narrow narrows narrowed narrowing
  ease eases eased easing decrease decreases decreased decreasing contracted
  halve halves halved down low lows smaller fewer less drag drags dragged erode erodes eroded erosion
  retreat retreats retreated shed sheds shedding slow slows slowed slowing
`;

/** Things whose rise is good news (profit, sales, the share price); alone they say nothing. */
const GOOD_TARGETS = `
  profit profits earnings revenue revenues sales income margin margins guidance outlook forecast forecasts
  dividend dividends eps shares share stock stocks rating ratings target targets orders order bookings backlog demand
  deliveries shipments output production subscribers users customers traffic volumes payout payouts
  growth valuation value jobs hiring payrolls workforce staff employees capacity market-share cash cash-flow
  price-target stake investment investments spending confidence estimates
`;

/** Things whose rise is bad news; alone they say nothing, unless also in the negative list ("a quarterly loss"). */
const BAD_TARGETS = `
  loss losses costs cost expenses expense debt debts deficit deficits unemployment jobless claims inflation
  layoffs writedowns charges charge risk risks volatility outflows churn delinquencies defaults
  liabilities borrowing leverage burn short-interest prices rates yields tariffs tariff taxes wages
`;

/** Words that make the next sentiment word count more or less. */
const INTENSIFIERS = `
  sharply sharp steep steeply significantly significant substantially substantial strongly massive huge biggest
  dramatically dramatic severely severe heavily heavy deeply deep very highly major soaring sweeping hefty
  far much surprise unexpectedly
`;

const DIMINISHERS = `
  slightly slight modestly modest marginally marginal somewhat mildly mild little partly partially small
  barely
`;

/** Words that flip the sentiment of what follows them within a few words. */
const NEGATIONS = `not no never without nor neither none nothing cannot unable lack lacks lacking avoid avoids avoided avoiding avert averts averted`;

/** Words that turn the bad news after them into good ("ends strike", "settles lawsuit"), leaving good news as it is ("ends higher"). */
const REVERSALS = `end ends ended ending resolve resolves resolved settle settles settled overcome overcomes escape escapes escaped clear clears cleared`;

const words = (list: string): string[] => list.trim().split(/\s+/);

export interface Lexicon {
  readonly positive: ReadonlySet<string>;
  readonly negative: ReadonlySet<string>;
  readonly up: ReadonlySet<string>;
  readonly down: ReadonlySet<string>;
  readonly goodTargets: ReadonlySet<string>;
  readonly badTargets: ReadonlySet<string>;
  readonly intensifiers: ReadonlySet<string>;
  readonly diminishers: ReadonlySet<string>;
  readonly negations: ReadonlySet<string>;
  readonly reversals: ReadonlySet<string>;
}

export const FINANCE_LEXICON: Lexicon = Object.freeze({
  positive: new Set(words(POSITIVE)),
  negative: new Set(words(NEGATIVE)),
  up: new Set(words(UP)),
  down: new Set(words(DOWN)),
  goodTargets: new Set(words(GOOD_TARGETS)),
  badTargets: new Set(words(BAD_TARGETS)),
  intensifiers: new Set(words(INTENSIFIERS)),
  diminishers: new Set(words(DIMINISHERS)),
  negations: new Set(words(NEGATIONS)),
  reversals: new Set(words(REVERSALS)),
});
