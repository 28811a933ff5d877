// The event mix the hand-run store measurements share (measure.ts, redis-measure-script.ts): the
// seven original types in fixed shares over ORGS organizations of MEMBERS_PER_ORG members each.
import type { NormalizedEvent } from '../../../server/contract/index.ts';

export const ORGS = 3000;
export const MEMBERS_PER_ORG = 30;

/** A batch maker: each call gives `size` new events (fresh ids), ts spread over the day before `now`. */
export function batchMaker(size: number): (now: number) => NormalizedEvent[] {
  let seq = 0;
  return (now: number): NormalizedEvent[] => {
    const out: NormalizedEvent[] = [];
    for (let i = 0; i < size; i++) {
      const o = (seq * 7919) % ORGS;
      const org = `org-${o}`;
      const member = `mem-${o}-${seq % MEMBERS_PER_ORG}`;
      const id = `ev-${seq++}`;
      const ts = now - (seq % 86_400) * 1000;
      const r = seq % 100;
      if (r < 55)
        out.push({
          id,
          type: 'study.completed',
          ts,
          org,
          member,
          course: 'c1',
          minutes: 20,
          ...(r < 5 ? { name: '张三明' } : {}),
        });
      else if (r < 70) out.push({ id, type: 'member.active', ts, org, member });
      else if (r < 80)
        out.push({ id, type: 'exam.submitted', ts, org, member, exam: 'e1', score: 80, passed: r % 2 === 0 });
      else if (r < 88) out.push({ id, type: 'points.awarded', ts, org, member, points: 5, reason: 'r' });
      else if (r < 93)
        out.push({ id, type: 'member.checkin', ts, org, member, lng: 100 + (seq % 20), lat: 25 + (seq % 15) });
      else if (r < 97) out.push({ id, type: 'meeting.held', ts, org, kind: 'group', attendees: 8, expected: 10 });
      else
        out.push({
          id,
          type: 'transfer.updated',
          ts,
          org,
          member,
          transfer: `t-${seq % 5000}`,
          stage: 'approved',
          toRegion: '440100',
        });
    }
    return out;
  };
}
