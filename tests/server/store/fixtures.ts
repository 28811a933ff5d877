// A small hand-made roster under real 西安 codes and event builders for the store tests.
import type { NormalizedEvent, Org } from '../../../server/contract/index.ts';

export const T_COUNTY = '610113'; // 雁塔区
export const T_TOWN_A = '610113001'; // 小寨路街道
export const T_TOWN_B = '610113002'; // 大雁塔街道
export const T_VILLAGE_A1 = '610113001001';
export const T_OTHER_COUNTY = '610102'; // 新城区

export const ROSTER: Org[] = [
  { id: 'c-yanta', name: '雁塔区委', parent: null, kind: 'committee', region: T_COUNTY, members: 0 },
  {
    id: 'b-a1',
    name: '长安大学社区党支部',
    parent: 'c-yanta',
    kind: 'branch',
    region: T_VILLAGE_A1,
    members: 40,
    lng: 108.92,
    lat: 34.2,
  },
  { id: 'b-a2', name: '小寨路街道机关党支部', parent: 'c-yanta', kind: 'branch', region: T_TOWN_A, members: 20 },
  { id: 'b-b1', name: '大雁塔街道第一党支部', parent: 'c-yanta', kind: 'branch', region: T_TOWN_B, members: 30 },
  { id: 'g-b', name: '大雁塔街道党总支', parent: 'c-yanta', kind: 'general-branch', region: T_TOWN_B, members: 10 },
  { id: 'b-x1', name: '西一路街道党支部', parent: null, kind: 'branch', region: '610102001', members: 25 },
];

/**
 * An id namespace per county of `org` ('' in 雁塔, 'x' in 新城): member, transfer and person ids
 * of the random streams stay inside one county, as real ones do. RedisStore keeps distinct sets,
 * dedupe and records per county (server/store/README.md: "Per-county state"); a member seen
 * under orgs of two counties is a case of its own there (redis-effects.test.ts).
 */
export const idSpace = (org: string): string =>
  ROSTER.find((o) => o.id === org)?.region.startsWith(T_COUNTY) === false ? 'x' : '';

/** 2026-11-27 12:00 Asia/Shanghai */
export const NOW = Date.UTC(2026, 10, 27, 4, 0, 0);
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

let n = 0;
const nextId = (p: string) => `${p}-${++n}-${Math.random().toString(36).slice(2, 8)}`;

export const study = (
  org: string,
  member: string,
  ts: number,
  minutes = 10,
  extra: Partial<{ id: string; name: string }> = {},
): NormalizedEvent => ({
  id: extra.id ?? nextId('s'),
  type: 'study.completed',
  ts,
  org,
  member,
  course: '习近平新时代中国特色社会主义思想',
  minutes,
  ...(extra.name ? { name: extra.name } : {}),
});
export const exam = (org: string, member: string, ts: number, passed: boolean): NormalizedEvent => ({
  id: nextId('e'),
  type: 'exam.submitted',
  ts,
  org,
  member,
  exam: '党章',
  score: passed ? 90 : 40,
  passed,
});
export const meeting = (
  org: string,
  kind: 'assembly' | 'committee' | 'group' | 'lecture',
  ts: number,
  attendees = 8,
  expected = 10,
): NormalizedEvent => ({ id: nextId('m'), type: 'meeting.held', ts, org, kind, attendees, expected });
export const transfer = (
  org: string,
  transferId: string,
  stage: 'applied' | 'approved' | 'received' | 'completed' | 'rejected',
  ts: number,
  dest: { toOrg?: string; toRegion?: string } = { toRegion: '440100' },
): NormalizedEvent => ({
  id: nextId('t'),
  type: 'transfer.updated',
  ts,
  org,
  member: `m-${transferId}`,
  transfer: transferId,
  stage,
  ...dest,
});
export const checkin = (org: string, member: string, ts: number, lng: number, lat: number): NormalizedEvent => ({
  id: nextId('c'),
  type: 'member.checkin',
  ts,
  org,
  member,
  lng,
  lat,
});
export const points = (org: string, member: string, ts: number, pts: number): NormalizedEvent => ({
  id: nextId('p'),
  type: 'points.awarded',
  ts,
  org,
  member,
  points: pts,
  reason: '志愿服务',
});
export const active = (org: string, member: string, ts: number): NormalizedEvent => ({
  id: nextId('a'),
  type: 'member.active',
  ts,
  org,
  member,
});
export const dues = (
  org: string,
  member: string,
  ts: number,
  month: string,
  amount: number,
  extra: Partial<{ id: string }> = {},
): NormalizedEvent => ({
  id: extra.id ?? nextId('d'),
  type: 'dues.paid',
  ts,
  org,
  member,
  month,
  amount,
});
export const development = (
  org: string,
  person: string,
  stage: 'applicant' | 'activist' | 'candidate' | 'probationary' | 'full' | 'dropped',
  since: string,
  ts: number,
): NormalizedEvent => ({ id: nextId('v'), type: 'development.stage', ts, org, person, stage, since });
