// Alert rules (SPEC 2.8): evaluated on each child region of the wall's region (the unit an
// operator acts on), or on the region itself when it has no children. Pure.
import type { Alert, AlertLevel, Kpi, RegionRef } from '../contract/index.ts';

export const OVERDUE_CRITICAL = 5;
export const OUT_OF_CONTACT_WARN_SHARE = 0.2;
export const OUT_OF_CONTACT_CRITICAL_SHARE = 0.35;
export const OUT_OF_CONTACT_MIN_MEMBERS = 5;
/** a unit studies "low" below this fraction of its peers' median monthly study rate */
export const STUDY_RATE_PEER_FACTOR = 0.5;
export const STUDY_RATE_MIN_PEERS = 3;
export const COMPLIANCE_WARN = 0.5;
export const COMPLIANCE_CRITICAL = 0.2;
/** before this day of the month branches still have time to hold their meetings */
export const COMPLIANCE_FROM_DAY = 20;
export const MAX_ALERTS = 30;
/** 党费: after this day of the month a region below DUES_WARN has a collection problem */
export const DUES_FROM_DAY = 16;
export const DUES_WARN = 0.8;
export const DUES_CRITICAL = 0.5;
/** a few cases wait weeks past their year for the 支部大会 that confirms them (normal); many is a
 * stalled branch process: critical from this many in one unit */
export const PROBATION_OVERDUE_CRITICAL = 20;

export interface AlertUnit {
  region: RegionRef;
  kpi: Kpi;
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const LEVEL_ORDER: Record<AlertLevel, number> = { critical: 0, warn: 1, info: 2 };

export function evaluateAlerts(units: AlertUnit[], dayOfMonth: number): Alert[] {
  const out: Alert[] = [];
  const peers = units.filter((u) => u.kpi.studyRateMonth !== null).map((u) => u.kpi.studyRateMonth!);
  const peerMedian = peers.length >= STUDY_RATE_MIN_PEERS ? median(peers) : 0;
  for (const { region, kpi } of units) {
    const base = { region: region.code, regionName: region.name };
    const n = region.name;
    if (kpi.transfersOverdue > 0) {
      const v = kpi.transfersOverdue;
      out.push({
        ...base,
        id: `overdue:${region.code}`,
        rule: 'transfers-overdue',
        level: v >= OVERDUE_CRITICAL ? 'critical' : 'warn',
        value: v,
        threshold: 0,
        message: { zh: `${n}有${v}件组织关系转接超期未办结`, en: `${n}: ${v} transfer${v === 1 ? '' : 's'} overdue` },
      });
    }
    if (kpi.floatingMembers >= OUT_OF_CONTACT_MIN_MEMBERS) {
      const share = kpi.floatingOutOfContact / kpi.floatingMembers;
      if (share > OUT_OF_CONTACT_WARN_SHARE) {
        out.push({
          ...base,
          id: `out-of-contact:${region.code}`,
          rule: 'out-of-contact',
          level: share > OUT_OF_CONTACT_CRITICAL_SHARE ? 'critical' : 'warn',
          value: share,
          threshold: OUT_OF_CONTACT_WARN_SHARE,
          message: {
            zh: `${n}流动党员失联${kpi.floatingOutOfContact}人，占${pct(share)}`,
            en: `${n}: ${kpi.floatingOutOfContact} out of contact (${pct(share)})`,
          },
        });
      }
    }
    const rate = kpi.studyRateMonth;
    const floor = peerMedian * STUDY_RATE_PEER_FACTOR;
    if (rate !== null && peerMedian > 0 && rate < floor) {
      out.push({
        ...base,
        id: `study-rate-low:${region.code}`,
        rule: 'study-rate-low',
        level: 'warn',
        value: rate,
        threshold: floor,
        message: {
          zh: `${n}本月学习率${pct(rate)}，低于同级中位数${pct(peerMedian)}的一半`,
          en: `${n}: study rate ${pct(rate)}, peers ${pct(peerMedian)}`,
        },
      });
    }
    const c = kpi.meetingComplianceMonth;
    if (c !== null && dayOfMonth >= COMPLIANCE_FROM_DAY && c < COMPLIANCE_WARN) {
      out.push({
        ...base,
        id: `compliance-low:${region.code}`,
        rule: 'compliance-low',
        level: c < COMPLIANCE_CRITICAL ? 'critical' : 'warn',
        value: c,
        threshold: COMPLIANCE_WARN,
        message: { zh: `${n}“三会一课”落实率${pct(c)}`, en: `${n}: meeting compliance ${pct(c)}` },
      });
    }
    const dues = kpi.duesRateMonth;
    if (dues !== null && dayOfMonth >= DUES_FROM_DAY && dues < DUES_WARN) {
      out.push({
        ...base,
        id: `dues-low:${region.code}`,
        rule: 'dues-low',
        level: dues < DUES_CRITICAL ? 'critical' : 'warn',
        value: dues,
        threshold: DUES_WARN,
        message: {
          zh: `${n}本月党费收缴率${pct(dues)}，低于${pct(DUES_WARN)}`,
          en: `${n}: dues collected ${pct(dues)}`,
        },
      });
    }
    if (kpi.probationOverdue > 0) {
      const v = kpi.probationOverdue;
      out.push({
        ...base,
        id: `probation-overdue:${region.code}`,
        rule: 'probation-overdue',
        level: v >= PROBATION_OVERDUE_CRITICAL ? 'critical' : 'warn',
        value: v,
        threshold: 0,
        message: { zh: `${n}有${v}名预备党员超期未转正`, en: `${n}: ${v} probation${v === 1 ? '' : 's'} overdue` },
      });
    }
  }
  out.sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || b.value - a.value || a.id.localeCompare(b.id));
  return out.slice(0, MAX_ALERTS);
}
