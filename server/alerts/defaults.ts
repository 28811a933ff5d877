// The shipped alert rules (issue 10): today's rule ids and thresholds (aggregate/alerts.ts; its
// critical → red, warn → orange), the dues and probation rules, source-silent and study-anomaly.
// Pure data; ALERT_RULES_FILE lays its rules over these (rules.ts).
import type { RuleText } from './rules.ts';

export const DEFAULT_KEEP_FIRING_FOR = '5m';

const COUNTY_AND_TOWNSHIP: RuleText['levels'] = ['county', 'township'];
const base = { enabled: true, levels: COUNTY_AND_TOWNSHIP, keepFiringFor: DEFAULT_KEEP_FIRING_FOR };

/** The shipped rules: today's thresholds (aggregate/alerts.ts), critical → red, warn → orange. */
export const DEFAULT_RULE_TEXTS: readonly RuleText[] = [
  {
    ...base,
    id: 'transfers-overdue',
    kind: 'transfers-overdue',
    severity: 'orange',
    for: '10m',
    params: { above: 0, redFrom: 5 },
  },
  {
    ...base,
    id: 'out-of-contact',
    kind: 'out-of-contact',
    severity: 'orange',
    for: '30m',
    params: { share: 0.2, redShare: 0.35, minMembers: 5 },
  },
  {
    ...base,
    id: 'study-rate-low',
    kind: 'study-rate-low',
    severity: 'yellow',
    for: '1h',
    params: { peerFactor: 0.5, minPeers: 3 },
  },
  {
    ...base,
    id: 'compliance-low',
    kind: 'compliance-low',
    severity: 'orange',
    for: '1h',
    params: { below: 0.5, redBelow: 0.2, fromDay: 20 },
  },
  {
    ...base,
    id: 'dues-low',
    kind: 'dues-low',
    severity: 'orange',
    for: '1h',
    params: { below: 0.8, redBelow: 0.5, fromDay: 16 },
  },
  {
    ...base,
    id: 'probation-overdue',
    kind: 'probation-overdue',
    severity: 'orange',
    for: '1h',
    params: { above: 0, redFrom: 20 },
  },
  {
    ...base,
    id: 'source-silent',
    kind: 'source-silent',
    severity: 'red',
    levels: ['city'],
    for: '0s',
    params: { silentFor: '30m', sources: {}, workingHours: '08:00-18:00', workingDays: [1, 2, 3, 4, 5] },
  },
  {
    ...base,
    id: 'study-anomaly',
    kind: 'study-anomaly',
    severity: 'orange',
    levels: ['county'],
    for: '0s',
    keepFiringFor: '1h',
    params: {
      method: 'ratio',
      days: 7,
      ratioBelow: 0.5,
      redRatioBelow: 0.2,
      zBelow: -3.5,
      redZBelow: -6,
      minBaseline: 20,
    },
  },
];
