// KPI arithmetic: per-org counters summed into a region, rates null on a zero denominator.
import type { Kpi, Org } from '../contract/index.ts';
import { KIND_INDEX, M_ATTENDEES, M_EXPECTED, M_KIND0, M_LEARNERS, M_MEETINGS, M_POINTS, Q_KIND0 } from './slots.ts';
import { D_EXAMS, D_LEARNERS, D_MINUTES, D_PASSED } from './slots.ts';

/** Per-org figures that come from entity records rather than counter rows. */
export interface OrgExtra {
  transfersOpen: number;
  transfersCompletedToday: number;
  transfersOverdue: number;
  floatingMembers: number;
  floatingOutOfContact: number;
  onlineNow: number;
}

export function ratio(num: number, den: number): number | null {
  return den > 0 ? num / den : null;
}

/** 三会一课: this month ≥1 支委会 and ≥1 党小组会, this quarter ≥1 党员大会 and ≥1 党课. */
export function isCompliantBranch(month: ArrayLike<number> | undefined, quarter: ArrayLike<number> | undefined): boolean {
  if (!month || !quarter) return false;
  return (
    (month[M_KIND0 + KIND_INDEX.committee] ?? 0) >= 1 &&
    (month[M_KIND0 + KIND_INDEX.group] ?? 0) >= 1 &&
    (quarter[Q_KIND0 + KIND_INDEX.assembly] ?? 0) >= 1 &&
    (quarter[Q_KIND0 + KIND_INDEX.lecture] ?? 0) >= 1
  );
}

export class KpiAcc {
  orgs = 0;
  members = 0;
  branches = 0;
  compliantBranches = 0;
  learnersToday = 0;
  studyMinutesToday = 0;
  examsToday = 0;
  examsPassedToday = 0;
  learnersMonth = 0;
  meetingsMonth = 0;
  attendeesMonth = 0;
  expectedMonth = 0;
  pointsMonth = 0;
  transfersOpen = 0;
  transfersCompletedToday = 0;
  transfersOverdue = 0;
  floatingMembers = 0;
  floatingOutOfContact = 0;
  onlineNow = 0;

  add(org: Org, day: ArrayLike<number> | undefined, month: ArrayLike<number> | undefined, quarter: ArrayLike<number> | undefined, extra: OrgExtra | undefined): void {
    this.orgs += 1;
    this.members += org.members;
    if (org.kind === 'branch') {
      this.branches += 1;
      if (isCompliantBranch(month, quarter)) this.compliantBranches += 1;
    }
    if (day) {
      this.learnersToday += day[D_LEARNERS] ?? 0;
      this.studyMinutesToday += day[D_MINUTES] ?? 0;
      this.examsToday += day[D_EXAMS] ?? 0;
      this.examsPassedToday += day[D_PASSED] ?? 0;
    }
    if (month) {
      this.learnersMonth += month[M_LEARNERS] ?? 0;
      this.meetingsMonth += month[M_MEETINGS] ?? 0;
      this.attendeesMonth += month[M_ATTENDEES] ?? 0;
      this.expectedMonth += month[M_EXPECTED] ?? 0;
      this.pointsMonth += month[M_POINTS] ?? 0;
    }
    if (extra) {
      this.transfersOpen += extra.transfersOpen;
      this.transfersCompletedToday += extra.transfersCompletedToday;
      this.transfersOverdue += extra.transfersOverdue;
      this.floatingMembers += extra.floatingMembers;
      this.floatingOutOfContact += extra.floatingOutOfContact;
      this.onlineNow += extra.onlineNow;
    }
  }

  kpi(): Kpi {
    return {
      orgs: this.orgs,
      members: this.members,
      learnersToday: this.learnersToday,
      studyRateToday: ratio(this.learnersToday, this.members),
      learnersMonth: this.learnersMonth,
      studyRateMonth: ratio(this.learnersMonth, this.members),
      // minutes are summed floats: round away binary noise so equal inputs give equal JSON
      studyMinutesToday: Math.round(this.studyMinutesToday * 1000) / 1000,
      examsToday: this.examsToday,
      examPassRateToday: ratio(this.examsPassedToday, this.examsToday),
      meetingsMonth: this.meetingsMonth,
      meetingComplianceMonth: ratio(this.compliantBranches, this.branches),
      attendanceRateMonth: ratio(this.attendeesMonth, this.expectedMonth),
      transfersOpen: this.transfersOpen,
      transfersCompletedToday: this.transfersCompletedToday,
      transfersOverdue: this.transfersOverdue,
      floatingMembers: this.floatingMembers,
      floatingOutOfContact: this.floatingOutOfContact,
      pointsMonth: this.pointsMonth,
      onlineNow: this.onlineNow,
    };
  }
}
