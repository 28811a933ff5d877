// 流动党员 check-ins from the cities where they work. Most report every few days; "rare"
// reporters check in on two days of a 36-day cycle, so at any time some have been silent for
// over 30 days (失联). Devices differ: most send GCJ-02, some WGS-84 or BD-09.
import gcoord from 'gcoord';
import { memberId, memberName, type Population } from '../population.ts';
import { hashInts, Rng, unit } from '../prng.ts';
import { dayStartMs, HOUR_MS } from '../rhythm.ts';
import type { Timed } from './activity.ts';

export const RARE_CYCLE_DAYS = 36;
const RARE_ACTIVE_DAYS = 2;
const JITTER_DEG = 0.01;

export function checkinsOfDay(pop: Population, tag: string, day: number): Timed[] {
  const out: Timed[] = [];
  const dayTag = day.toString(36);
  pop.floating.forEach((f, i) => {
    const roll = unit(hashInts(pop.seed, day, i, 0xc1));
    const checksIn = f.rare ? (day + f.phase) % RARE_CYCLE_DAYS < RARE_ACTIVE_DAYS && roll < 0.9 : roll < f.daily;
    if (!checksIn) return;
    const rng = Rng.of(pop.seed, day, i, 0xc2);
    const t = dayStartMs(day) + Math.floor(rng.range(7, 23) * HOUR_MS);
    let lng = f.lng + JITTER_DEG * rng.normal();
    let lat = f.lat + JITTER_DEG * rng.normal();
    if (f.crs === 'wgs84' || f.crs === 'bd09') {
      [lng, lat] = gcoord.transform([lng, lat], gcoord.GCJ02, f.crs === 'wgs84' ? gcoord.WGS84 : gcoord.BD09) as [
        number,
        number,
      ];
    }
    const b = pop.branches[f.branch]!;
    out.push({
      t,
      ev: {
        id: `ck${tag}-${dayTag}-${i.toString(36)}`,
        type: 'member.checkin',
        ts: t,
        org: b.id,
        member: memberId(b, f.n),
        name: memberName(b, f.n),
        lng: Math.round(lng * 1e6) / 1e6,
        lat: Math.round(lat * 1e6) / 1e6,
        ...(f.crs ? { crs: f.crs } : {}),
      },
    });
  });
  return out.sort((a, b) => a.t - b.t);
}
