import { describe, expect, it } from 'vitest';
import { clockParts, formatAge, formatKpi, isRate, rawValue } from '../../screen/src/format.ts';
import { parseParams } from '../../screen/src/params.ts';
import { choroplethValues, rotatingTheme } from '../../screen/src/map/themes.ts';
import { fixture } from './helpers.ts';

describe('formatKpi', () => {
  it.each([
    ['studyRateToday', 0.4745, 'zh', '47.5', '%', false],
    ['studyRateToday', 0, 'zh', '0.0', '%', false],
    ['studyRateToday', 1, 'en', '100.0', '%', false],
    ['studyRateToday', null, 'zh', '暂无数据', '', true],
    ['examPassRateToday', null, 'en', 'no data', '', true],
    ['members', 214048, 'zh', '214,048', '', false],
    ['members', 0, 'zh', '0', '', false],
    ['onlineNow', Number.NaN, 'zh', '暂无数据', '', true],
    ['orgs', undefined, 'en', 'no data', '', true],
  ] as const)('%s = %s (%s) → %s%s', (name, value, lang, text, unit, empty) => {
    const f = formatKpi(name, value, lang);
    expect(f).toEqual({ text, unit, empty });
    expect(f.text).not.toMatch(/NaN|undefined/);
  });

  it('data-value is the raw number, "" for null', () => {
    expect(rawValue(0.123456)).toBe('0.123456');
    expect(rawValue(0)).toBe('0');
    expect(rawValue(null)).toBe('');
    expect(rawValue(undefined)).toBe('');
  });

  it('knows the rates', () => {
    expect(isRate('attendanceRateMonth')).toBe(true);
    expect(isRate('transfersOpen')).toBe(false);
  });
});

describe('clockParts', () => {
  it('is Beijing time whatever the machine zone', () => {
    // 2026-11-27T16:30:05Z is 00:30:05 on the 28th (a Saturday) in Asia/Shanghai
    expect(clockParts(Date.parse('2026-11-27T16:30:05Z'))).toEqual({
      time: '00:30:05',
      date: '2026-11-28',
      weekday: 6,
    });
    expect(clockParts(Date.parse('2026-11-27T16:30:05Z'), 'UTC').time).toBe('16:30:05');
  });
});

describe('parseParams', () => {
  it('defaults', () => {
    expect(parseParams('')).toEqual({
      region: '610100',
      rotationS: 30,
      lang: 'zh',
      token: undefined,
      skin: 'party-red',
      room: null,
    });
  });
  it('reads the kiosk parameters', () => {
    expect(parseParams('?region=610113&theme=0&lang=en&token=abc&skin=command-blue')).toEqual({
      region: '610113',
      rotationS: 0,
      lang: 'en',
      token: 'abc',
      skin: 'command-blue',
      room: null,
    });
  });
  it('rejects bad values', () => {
    const p = parseParams('?region=61&theme=-5&lang=fr&skin=pink');
    expect(p).toEqual({ region: '610100', rotationS: 30, lang: 'zh', token: undefined, skin: 'party-red', room: null });
  });
});

describe('map themes', () => {
  it('rates use the fixed 0–1 domain, counts 0…max, null stays null', () => {
    const snap = fixture();
    const kids = snap.children;
    kids['610113']!.kpi.studyRateToday = null;
    const study = choroplethValues(kids, 'study');
    expect(study['610113']).toBeNull();
    expect(study['610102']).toBeCloseTo(kids['610102']!.kpi.studyRateToday!, 10);
    const transfers = choroplethValues(kids, 'transfers');
    expect(Math.max(...Object.values(transfers).map(Number))).toBe(1);
  });
  it('rotates on the period; 0 never rotates', () => {
    expect(rotatingTheme('study', 29, 30)).toBe('study');
    expect(rotatingTheme('study', 30, 30)).toBe('floating');
    expect(rotatingTheme('study', 95, 30)).toBe('study');
    expect(rotatingTheme('transfers', 1000, 0)).toBe('transfers');
  });
});

describe('formatAge', () => {
  const MIN = 60_000;
  it.each([
    [2 * 60 * MIN, 'zh', '已持续 2 小时'],
    [2 * 60 * MIN, 'en', 'for 2 h'],
    [15 * MIN, 'zh', '已持续 15 分钟'],
    [15 * MIN + 59_999, 'en', 'for 15 min'],
    [59 * MIN, 'zh', '已持续 59 分钟'],
    [60 * MIN, 'zh', '已持续 1 小时'],
    [23 * 60 * MIN + 59 * MIN, 'en', 'for 23 h'],
    [3 * 24 * 60 * MIN, 'zh', '已持续 3 天'],
    [3 * 24 * 60 * MIN, 'en', 'for 3 d'],
    [30_000, 'zh', '刚刚发生'],
    [0, 'en', 'just now'],
    // the wall's clock behind the server's: never a negative age
    [-5 * MIN, 'zh', '刚刚发生'],
  ] as const)('%s ms → %s %s', (ms, lang, text) => {
    const now = 1_700_000_000_000;
    expect(formatAge(now - ms, now, lang)).toBe(text);
  });

  it('never says NaN', () => {
    expect(formatAge(Number.NaN, 1000, 'en')).toBe('just now');
  });
});

describe('big counts on a KPI card', () => {
  it('up to a million as is, above in 万 / M (a province or the country fits its card)', () => {
    expect(formatKpi('members', 999_999, 'zh')).toEqual({ text: '999,999', unit: '', empty: false });
    expect(formatKpi('members', 2_211_156, 'zh')).toEqual({ text: '221.1', unit: '万', empty: false });
    expect(formatKpi('members', 25_096_259, 'en')).toEqual({ text: '25.10', unit: 'M', empty: false });
    expect(formatKpi('studyRateToday', 0.5, 'zh').unit).toBe('%');
  });
});
