// The daily and weekly rhythm of member activity, in Asia/Shanghai local time (UTC+8, no DST).
// Shapes follow what party-education platforms report publicly: study before work, at lunch
// and in the evening; heartbeats broader; exams in working hours and evenings, in campaign weeks.

export const LOCAL_OFFSET_MS = 8 * 3600_000;
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3600_000;

export type ActivityType = 'member.active' | 'study.completed' | 'points.awarded' | 'exam.submitted';
export const ACTIVITY_TYPES: readonly ActivityType[] = [
  'member.active',
  'study.completed',
  'points.awarded',
  'exam.submitted',
];

/** Events per member and day at scale 1, on an ordinary weekday outside a campaign. */
export const PER_MEMBER_DAY: Readonly<Record<ActivityType, number>> = {
  'member.active': 1.2,
  'study.completed': 0.45,
  'points.awarded': 0.15,
  'exam.submitted': 0.012,
};

/** Exam intensity multiplier in the monthly test week (days 20–26 of each month). */
export const EXAM_CAMPAIGN_FACTOR = 7;
export const EXAM_CAMPAIGN_DAYS: readonly [first: number, last: number] = [20, 26];

const normalize = (xs: number[]): Float64Array => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Float64Array.from(xs, (x) => x / mean);
};

// hour:                 0     1     2     3     4     5    6    7    8    9   10   11
// hour:                12    13    14    15    16    17   18   19   20   21   22   23
const STUDY_WEEKDAY = [
  0.12, 0.06, 0.04, 0.03, 0.04, 0.15, 0.6, 1.9, 2.4, 1.3, 0.9, 1.0, 1.9, 1.7, 0.8, 0.7, 0.7, 0.8, 1.0, 1.8, 2.3, 2.4,
  1.5, 0.5,
];
const STUDY_WEEKEND = [
  0.15, 0.08, 0.05, 0.03, 0.04, 0.1, 0.3, 0.8, 1.4, 1.7, 1.5, 1.2, 1.5, 1.4, 1.0, 0.9, 0.9, 0.9, 1.0, 1.6, 2.1, 2.2,
  1.5, 0.6,
];
const ACTIVE_WEEKDAY = [
  0.25, 0.12, 0.08, 0.06, 0.08, 0.25, 0.7, 1.6, 1.9, 1.5, 1.3, 1.3, 1.6, 1.5, 1.2, 1.1, 1.1, 1.1, 1.2, 1.5, 1.8, 1.8,
  1.3, 0.6,
];
const ACTIVE_WEEKEND = [
  0.3, 0.15, 0.08, 0.06, 0.07, 0.15, 0.4, 0.9, 1.3, 1.5, 1.5, 1.4, 1.5, 1.4, 1.3, 1.2, 1.2, 1.2, 1.3, 1.6, 1.8, 1.8,
  1.4, 0.7,
];
const EXAM_DAY = [
  0.05, 0.02, 0.01, 0.01, 0.01, 0.03, 0.2, 0.8, 1.6, 2.0, 2.0, 1.6, 1.0, 1.0, 1.7, 1.9, 1.8, 1.3, 1.0, 1.4, 1.8, 1.7,
  0.9, 0.3,
];

const PROFILES: Readonly<Record<ActivityType, readonly [weekday: Float64Array, weekend: Float64Array]>> = {
  'member.active': [normalize(ACTIVE_WEEKDAY), normalize(ACTIVE_WEEKEND)],
  'study.completed': [normalize(STUDY_WEEKDAY), normalize(STUDY_WEEKEND)],
  'points.awarded': [normalize(STUDY_WEEKDAY), normalize(STUDY_WEEKEND)],
  'exam.submitted': [normalize(EXAM_DAY), normalize(EXAM_DAY)],
};

/** Whole-day factor on weekends (people study less, but are online similarly). */
const WEEKEND_FACTOR: Readonly<Record<ActivityType, number>> = {
  'member.active': 0.9,
  'study.completed': 0.8,
  'points.awarded': 0.8,
  'exam.submitted': 0.6,
};

/** Days since the epoch in local time. */
export function localDay(ms: number): number {
  return Math.floor((ms + LOCAL_OFFSET_MS) / DAY_MS);
}
export function localHour(ms: number): number {
  return Math.floor(((ms + LOCAL_OFFSET_MS) % DAY_MS) / HOUR_MS);
}
/** Epoch ms of local midnight of a local day. */
export function dayStartMs(day: number): number {
  return day * DAY_MS - LOCAL_OFFSET_MS;
}
export function isWeekend(day: number): boolean {
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday
  return weekday === 0 || weekday === 6;
}
/** Local calendar date of a local day. */
export function localDate(day: number): { year: number; month: number; date: number; daysInMonth: number } {
  const d = new Date(day * DAY_MS);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  return { year, month, date: d.getUTCDate(), daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate() };
}
/** Local day of the 1st of the month `day` lies in. */
export function monthStartDay(day: number): number {
  return day - (localDate(day).date - 1);
}
/** Local day of the 1st of the calendar quarter `day` lies in. */
export function quarterStartDay(day: number): number {
  const { year, month } = localDate(day);
  return Math.round(Date.UTC(year, month - 1 - ((month - 1) % 3), 1) / DAY_MS);
}
export function isExamCampaign(day: number): boolean {
  const { date } = localDate(day);
  return date >= EXAM_CAMPAIGN_DAYS[0] && date <= EXAM_CAMPAIGN_DAYS[1];
}

/** Events per member per ms for a type at a moment (scale 1). */
export function intensity(type: ActivityType, day: number, hour: number): number {
  const weekend = isWeekend(day);
  let rate = PER_MEMBER_DAY[type] * PROFILES[type][weekend ? 1 : 0][hour]!;
  if (weekend) rate *= WEEKEND_FACTOR[type];
  if (type === 'exam.submitted' && isExamCampaign(day)) rate *= EXAM_CAMPAIGN_FACTOR;
  return rate / DAY_MS;
}

/** RFC 3339 with the local offset, as the organization-management platform sends it. */
export function rfc3339Local(ms: number): string {
  return new Date(ms + LOCAL_OFFSET_MS).toISOString().replace('Z', '+08:00');
}
