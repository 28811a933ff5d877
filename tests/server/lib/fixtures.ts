// Test data for pure server modules: a small, valid Snapshot and a tiny roster.
import type { Kpi, Org, Snapshot, TickerItem } from '../../../server/contract/index.ts';
import { EMPTY_ALERT_PANEL } from '../../../server/contract/alerts.ts';

export const KPI: Kpi = {
  orgs: 3,
  members: 60,
  learnersToday: 12,
  studyRateToday: 0.2,
  learnersMonth: 40,
  studyRateMonth: 0.6667,
  studyMinutesToday: 360,
  examsToday: 4,
  examPassRateToday: 0.75,
  meetingsMonth: 5,
  meetingComplianceMonth: 0.5,
  attendanceRateMonth: 0.9,
  transfersOpen: 2,
  transfersCompletedToday: 1,
  transfersOverdue: 0,
  floatingMembers: 7,
  floatingOutOfContact: 1,
  pointsMonth: 120,
  onlineNow: 9,
  duesPaidMonth: 50,
  duesRateMonth: 0.8333,
  duesAmountMonth: 612.5,
  developmentOpen: 4,
  probationOverdue: 1,
  newProbationaryYear: 2,
  newFullYear: 1,
};

export function tickerItem(id: string, ts: number): TickerItem {
  return {
    id,
    ts,
    type: 'study.completed',
    org: 'b1',
    orgName: '第一支部',
    region: '610113',
    who: '张*明',
    detail: { course: '党史', minutes: 30 },
  };
}

export function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    region: { code: '610100', name: '西安市', level: 'city', illustrative: false, parent: '610000', ancestors: [] },
    asOf: 1_700_000_000_000,
    day: '2023-11-15',
    timeZone: 'Asia/Shanghai',
    kpi: { ...KPI },
    children: {
      '610113': { code: '610113', name: '雁塔区', level: 'county', illustrative: false, kpi: { ...KPI } },
      '610112': { code: '610112', name: '未央区', level: 'county', illustrative: false, kpi: { ...KPI, members: 30 } },
    },
    study: {
      hourlyToday: Array(24).fill(0),
      hourlyYesterday: Array(24).fill(1),
      daily: [{ day: '2023-11-15', learners: 12 }],
    },
    meetings: { byKind: { assembly: 1, committee: 2, group: 1, lecture: 1 }, branches: 2, compliantBranches: 1 },
    transfers: { stages: { applied: 1, approved: 1, received: 0, completed: 1, rejected: 0 }, overdue: 0, flows: {} },
    floating: { members: 7, outOfContact: 1, cells: { '8540a4bffffffff': 6 }, cellResolution: 5, flows: {} },
    development: {
      stages: { applicant: 1, activist: 1, candidate: 1, probationary: 1, full: 1, dropped: 0 },
      probationOverdue: 1,
    },
    structure: {
      orgs: 2,
      members: 60,
      bands: {
        gender: { male: 40, female: 20 },
        age: { le30: 10, '31to45': 20, '46to60': 20, gt60: 10 },
        education: { postgraduate: 5, bachelor: 25, college: 15, secondary: 15 },
        tenure: { lt5: 10, '5to20': 30, gt20: 20 },
      },
    },
    leaderboard: [{ org: 'b1', name: '第一支部', kind: 'branch', region: '610113', points: 80 }],
    ticker: [tickerItem('t2', 1_699_999_999_000), tickerItem('t1', 1_699_999_998_000)],
    alerts: [],
    alerting: EMPTY_ALERT_PANEL,
    ...over,
  };
}

export const ROSTER: Org[] = [
  { id: 'c1', name: '雁塔区委', parent: null, kind: 'committee', region: '610113', members: 0 },
  { id: 'b1', name: '第一支部', parent: 'c1', kind: 'branch', region: '610113', members: 40, lng: 108.95, lat: 34.22 },
  { id: 'b2', name: '第二支部', parent: 'c1', kind: 'branch', region: '610112', members: 20 },
];

/** A study event of org b1 (in ROSTER), a second ago: `id` and `member` make it unique. */
export function studyEvent(id: string, member = id, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    type: 'study.completed',
    ts: Date.now() - 1000,
    org: 'b1',
    member,
    course: '党章',
    minutes: 20,
    ...over,
  };
}
