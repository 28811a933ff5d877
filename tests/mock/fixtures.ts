// A small hand-made roster: a county committee, two townships, villages and communities.
import type { Org } from '../../server/contract/roster.ts';

const branch = (id: string, region: string, members: number, parent: string): Org => ({
  id,
  name: `${id}党支部`,
  parent,
  kind: 'branch',
  region,
  members,
  lng: 108.95,
  lat: 34.22,
});

export const SMALL_ROSTER: Org[] = [
  { id: 'o-610113', name: '中共雁塔区委员会', parent: null, kind: 'committee', region: '610113', members: 0 },
  {
    id: 'o-610113001',
    name: '中共小寨路街道工作委员会',
    parent: 'o-610113',
    kind: 'committee',
    region: '610113001',
    members: 0,
  },
  {
    id: 'o-610113010',
    name: '中共鱼化寨街道工作委员会',
    parent: 'o-610113',
    kind: 'committee',
    region: '610113010',
    members: 0,
  },
  branch('o-610113001-0', '610113001', 34, 'o-610113001'),
  {
    id: 'o-610113001001',
    name: '中共长安大学社区委员会',
    parent: 'o-610113001',
    kind: 'committee',
    region: '610113001001',
    members: 0,
  },
  branch('o-610113001001-1', '610113001001', 48, 'o-610113001001'),
  branch('o-610113001001-2', '610113001001', 45, 'o-610113001001'),
  branch('o-610113001001-3', '610113001001', 41, 'o-610113001001'),
  branch('o-610113001002-1', '610113001002', 47, 'o-610113001'),
  branch('o-610113001005-1', '610113001005', 39, 'o-610113001'),
  branch('o-610113010-0', '610113010', 28, 'o-610113010'),
  branch('o-610113010201-1', '610113010201', 44, 'o-610113010'),
  branch('o-610113010202-1', '610113010202', 31, 'o-610113010'),
  branch('o-610113010203-1', '610113010203', 27, 'o-610113010'),
  {
    id: 'o-610113010204',
    name: '中共某村总支部委员会',
    parent: 'o-610113010',
    kind: 'general-branch',
    region: '610113010204',
    members: 0,
  },
  branch('o-610113010204-1', '610113010204', 22, 'o-610113010204'),
  branch('o-610113010204-2', '610113010204', 19, 'o-610113010204'),
  branch('o-610113010204-3', '610113010204', 24, 'o-610113010204'),
];

export const DAY_MS = 86_400_000;
/** Local midnight (UTC+8) of 2026-10-01, a Thursday. */
export const OCT_1_LOCAL_MS = Date.parse('2026-10-01T00:00:00+08:00');
/**
 * Instants a test that involves "now" runs at (Asia/Shanghai): midnight, the quiet small hours,
 * the first hour of a month, and an ordinary afternoon. Tests that spawn the CLI or wait on real
 * time take the first three.
 */
export const SIMULATED_NOWS: readonly string[] = [
  '2026-11-04T00:00:00+08:00',
  '2026-11-04T04:00:00+08:00',
  '2026-12-01T00:30:00+08:00',
  '2026-11-03T14:00:00+08:00',
];
