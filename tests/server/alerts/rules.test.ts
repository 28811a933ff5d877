// Alert rules file (server/alerts/rules.ts): the shipped defaults, overrides, and a bad file that
// names its rule and field.
import { describe, expect, it } from 'vitest';
import {
  AlertRulesError,
  DEFAULT_ALERT_RULES,
  loadAlertRules,
  parseDuration,
  type AlertRule,
} from '../../../server/alerts/rules.ts';
import * as today from '../../../server/aggregate/alerts.ts';

const MIN = 60_000;
const byId = (rules: AlertRule[]) => new Map(rules.map((r) => [r.id, r]));

describe('parseDuration', () => {
  it.each([
    ['0s', 0],
    ['90s', 90_000],
    ['5m', 5 * MIN],
    ['1h30m', 90 * MIN],
    ['2d', 2 * 86_400_000],
    ['250ms', 250],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['', '5', '5 minutes', '-1m', '1.5h', 'm5'])('refuses %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/not a duration/);
  });
});

describe('default rules', () => {
  const rules = byId([...DEFAULT_ALERT_RULES]);
  it("ship today's rule ids at county and township level, the dues, probation and the two new rules", () => {
    expect([...rules.keys()]).toEqual([
      'transfers-overdue',
      'out-of-contact',
      'study-rate-low',
      'compliance-low',
      'dues-low',
      'probation-overdue',
      'source-silent',
      'study-anomaly',
    ]);
    for (const id of ['transfers-overdue', 'out-of-contact', 'study-rate-low', 'compliance-low']) {
      expect(rules.get(id)!.levels).toEqual(['county', 'township']);
      expect(rules.get(id)!.keepFiringForMs).toBe(5 * MIN);
    }
    expect(rules.get('source-silent')!.levels).toEqual(['city']);
    expect(rules.get('study-anomaly')!.levels).toEqual(['county']);
  });

  it("keep today's thresholds (aggregate/alerts.ts)", () => {
    expect(rules.get('transfers-overdue')!.params).toEqual({ above: 0, redFrom: today.OVERDUE_CRITICAL });
    expect(rules.get('out-of-contact')!.params).toEqual({
      share: today.OUT_OF_CONTACT_WARN_SHARE,
      redShare: today.OUT_OF_CONTACT_CRITICAL_SHARE,
      minMembers: today.OUT_OF_CONTACT_MIN_MEMBERS,
    });
    expect(rules.get('study-rate-low')!.params).toEqual({
      peerFactor: today.STUDY_RATE_PEER_FACTOR,
      minPeers: today.STUDY_RATE_MIN_PEERS,
    });
    expect(rules.get('compliance-low')!.params).toEqual({
      below: today.COMPLIANCE_WARN,
      redBelow: today.COMPLIANCE_CRITICAL,
      fromDay: today.COMPLIANCE_FROM_DAY,
    });
    expect(rules.get('dues-low')!.params).toEqual({
      below: today.DUES_WARN,
      redBelow: today.DUES_CRITICAL,
      fromDay: today.DUES_FROM_DAY,
    });
    expect(rules.get('probation-overdue')!.params).toEqual({ above: 0, redFrom: today.PROBATION_OVERDUE_CRITICAL });
    expect(rules.get('source-silent')!.params.silentFor).toBe('30m');
  });
});

describe('loadAlertRules', () => {
  it('an empty list keeps the defaults', () => {
    expect(loadAlertRules('{ "rules": [] }', 'json')).toEqual(DEFAULT_ALERT_RULES);
  });

  it('lays a shipped rule field by field over its default, params too', () => {
    const rules = byId(
      loadAlertRules(
        JSON.stringify({
          rules: [
            { id: 'transfers-overdue', for: '30m', params: { redFrom: 10 } },
            { id: 'study-anomaly', enabled: false },
            { id: 'source-silent', params: { sources: { oa: '2h' } } },
          ],
        }),
        'json',
      ),
    );
    const t = rules.get('transfers-overdue')!;
    expect([t.forMs, t.keepFiringForMs, t.severity, t.params]).toEqual([
      30 * MIN,
      5 * MIN,
      'orange',
      { above: 0, redFrom: 10 },
    ]);
    expect(rules.get('study-anomaly')!.enabled).toBe(false);
    expect(rules.get('source-silent')!.params.sources).toEqual({ oa: '2h' });
    expect(rules.size).toBe(DEFAULT_ALERT_RULES.length);
  });

  it('adds a rule of a known kind: keepFiringFor 5 min and the kind’s params by default', () => {
    const rules = byId(
      loadAlertRules(
        JSON.stringify({
          rules: [{ id: 'overdue-city', kind: 'transfers-overdue', severity: 'red', levels: ['city'], for: '0s' }],
        }),
        'json',
      ),
    );
    expect(rules.get('overdue-city')).toEqual({
      id: 'overdue-city',
      kind: 'transfers-overdue',
      enabled: true,
      severity: 'red',
      levels: ['city'],
      forMs: 0,
      keepFiringForMs: 5 * MIN,
      params: { above: 0, redFrom: 5 },
    });
  });

  const one = (rule: unknown) => JSON.stringify({ rules: [rule] });
  it.each<[string, string, string, string]>([
    ['a duration that is not one', one({ id: 'transfers-overdue', for: '5 minutes' }), 'transfers-overdue', 'for'],
    ['keepFiringFor', one({ id: 'out-of-contact', keepFiringFor: 5 }), 'out-of-contact', 'keepFiringFor'],
    ['an unknown severity', one({ id: 'compliance-low', severity: 'purple' }), 'compliance-low', 'severity'],
    ['no levels', one({ id: 'dues-low', levels: [] }), 'dues-low', 'levels'],
    ['an unknown level', one({ id: 'dues-low', levels: ['county', 'galaxy'] }), 'dues-low', 'levels.1'],
    ['a level twice', one({ id: 'dues-low', levels: ['county', 'county'] }), 'dues-low', 'levels'],
    [
      'a negative count',
      one({ id: 'transfers-overdue', params: { redFrom: -1 } }),
      'transfers-overdue',
      'params.redFrom',
    ],
    ['a share above 1', one({ id: 'out-of-contact', params: { share: 2 } }), 'out-of-contact', 'params.share'],
    ['an unknown param', one({ id: 'study-rate-low', params: { bogus: 1 } }), 'study-rate-low', 'params.bogus'],
    ['an unknown field', one({ id: 'study-rate-low', threshold: 1 }), 'study-rate-low', 'threshold'],
    ['params not an object', one({ id: 'study-rate-low', params: 3 }), 'study-rate-low', 'params'],
    [
      'a bad id',
      one({ id: 'Bad Id', kind: 'dues-low', severity: 'red', levels: ['county'], for: '1m' }),
      'Bad Id',
      'id',
    ],
    ['a new rule without kind', one({ id: 'mine', severity: 'red' }), 'mine', 'kind'],
    ['an unknown kind', one({ id: 'mine', kind: 'weather' }), 'mine', 'kind'],
    ['a shipped rule of another kind', one({ id: 'dues-low', kind: 'study-anomaly' }), 'dues-low', 'kind'],
    [
      'a new rule without severity',
      one({ id: 'mine', kind: 'dues-low', levels: ['county'], for: '1m' }),
      'mine',
      'severity',
    ],
    ['a rule without id', one({ for: '1m' }), '#0', 'id'],
    ['a rule that is not an object', one(7), '#0', '(rule)'],
    ['an id twice', JSON.stringify({ rules: [{ id: 'dues-low' }, { id: 'dues-low', for: '1m' }] }), 'dues-low', 'id'],
    ['bad JSON', '{ "rules": [', '(file)', '(json)'],
    ['no rules list', '{ "rule": [] }', '(file)', 'rule'],
    ['rules not a list', '{ "rules": {} }', '(file)', 'rules'],
    ['a list at the root', '[]', '(file)', '(root)'],
  ])('a bad file names the rule and field: %s', (_name, text, rule, field) => {
    let err: unknown;
    try {
      loadAlertRules(text, 'json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AlertRulesError);
    expect([(err as AlertRulesError).rule, (err as AlertRulesError).field]).toEqual([rule, field]);
    expect((err as Error).message).toContain(`rule ${rule}, field ${field}:`);
  });

  it('reads YAML as it reads JSON, and names the rule and field of a bad YAML file', () => {
    const yaml = ['rules:', '  - id: transfers-overdue', '    for: 30m', '    params:', '      above: 5'].join('\n');
    const json = JSON.stringify({ rules: [{ id: 'transfers-overdue', for: '30m', params: { above: 5 } }] });
    expect(loadAlertRules(yaml, 'yaml')).toEqual(loadAlertRules(json, 'json'));
    expect(loadAlertRules(yaml, 'yaml').find((r) => r.id === 'transfers-overdue')!.forMs).toBe(30 * 60_000);
    expect(() => loadAlertRules('rules:\n  - id: transfers-overdue\n    severity: purple\n', 'yaml')).toThrow(
      /rule transfers-overdue, field severity/,
    );
    expect(() => loadAlertRules('rules: [\n', 'yaml')).toThrow(/field \(yaml\)/);
  });
});
