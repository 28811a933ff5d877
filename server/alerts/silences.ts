// Silence matching (issue 10): which alerts a silence covers and whether it is in force. Pure.
import { containsCode } from '../../geo/codes.ts';
import type { AlertInstance, Silence } from './state.ts';

/** In force: not ended early, and before its end (an until-resolved silence has no end time). */
export function silenceActive(s: Silence, nowMs: number): boolean {
  if (s.endedAt !== null) return false;
  return s.untilResolved || (s.endsAt !== null && nowMs < s.endsAt);
}

/** The rule (when named) and the region: exactly, or with its descendants. */
export function matchesSilence(s: Silence, inst: Pick<AlertInstance, 'rule' | 'region'>): boolean {
  const m = s.matchers;
  if (m.rule !== undefined && m.rule !== inst.rule) return false;
  return m.descendants ? containsCode(m.region, inst.region) : m.region === inst.region;
}
