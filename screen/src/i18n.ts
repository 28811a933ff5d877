// Every label on the wall, zh-CN first. Panels carry a Chinese title and, with lang=en,
// an English one.
import type {
  AlertSeverity,
  DevelopmentStage,
  KpiName,
  MeetingKind,
  STRUCTURE_BANDS,
  StructureDimension,
  TransferStage,
} from '../../server/contract/index.ts';
import type { Lang } from './params.ts';

type Entry = { zh: string; en: string };

export const KPI_LABELS: Record<KpiName, Entry> = {
  orgs: { zh: '党组织', en: 'Organizations' },
  members: { zh: '党员总数', en: 'Members' },
  learnersToday: { zh: '今日学习人数', en: 'Learners today' },
  studyRateToday: { zh: '今日学习率', en: 'Study rate today' },
  learnersMonth: { zh: '本月学习人数', en: 'Learners this month' },
  studyRateMonth: { zh: '本月学习率', en: 'Study rate this month' },
  studyMinutesToday: { zh: '今日学习分钟', en: 'Study minutes today' },
  examsToday: { zh: '今日考试人次', en: 'Exams today' },
  examPassRateToday: { zh: '今日考试合格率', en: 'Exam pass rate' },
  meetingsMonth: { zh: '本月组织生活', en: 'Meetings this month' },
  meetingComplianceMonth: { zh: '三会一课达标率', en: 'Meeting compliance' },
  attendanceRateMonth: { zh: '参会率', en: 'Attendance' },
  transfersOpen: { zh: '转接办理中', en: 'Transfers open' },
  transfersCompletedToday: { zh: '今日转接完成', en: 'Transfers done today' },
  transfersOverdue: { zh: '转接超期', en: 'Transfers overdue' },
  floatingMembers: { zh: '流动党员', en: 'Floating members' },
  floatingOutOfContact: { zh: '失联党员', en: 'Out of contact' },
  pointsMonth: { zh: '本月积分', en: 'Points this month' },
  onlineNow: { zh: '在线党员', en: 'Online now' },
  duesPaidMonth: { zh: '本月已缴人数', en: 'Members paid' },
  duesRateMonth: { zh: '本月党费收缴率', en: 'Paid this month' },
  duesAmountMonth: { zh: '本月收缴金额', en: 'Collected' },
  developmentOpen: { zh: '发展中', en: 'Open' },
  probationOverdue: { zh: '预备期超期', en: 'Probation overdue' },
  newProbationaryYear: { zh: '本年新发展', en: 'New this year' },
  newFullYear: { zh: '本年转正', en: 'Made full this year' },
};

export const DEVELOPMENT_LABELS: Record<DevelopmentStage, Entry> = {
  applicant: { zh: '入党申请人', en: 'Applicants' },
  activist: { zh: '入党积极分子', en: 'Activists' },
  candidate: { zh: '发展对象', en: 'Candidates' },
  probationary: { zh: '预备党员', en: 'Probationary' },
  full: { zh: '正式党员', en: 'Full members' },
  dropped: { zh: '已终止', en: 'Dropped' },
};

export const STRUCTURE_LABELS: Record<StructureDimension, Entry> = {
  gender: { zh: '性别', en: 'Gender' },
  age: { zh: '年龄', en: 'Age' },
  education: { zh: '学历', en: 'Education' },
  tenure: { zh: '党龄', en: 'Tenure' },
};

type BandKey = { [D in StructureDimension]: (typeof STRUCTURE_BANDS)[D][number] }[StructureDimension];

/** band names short enough to sit inside a bar segment */
export const BAND_LABELS: Record<BandKey, Entry> = {
  male: { zh: '男', en: 'Male' },
  female: { zh: '女', en: 'Female' },
  le30: { zh: '≤30岁', en: '≤30' },
  '31to45': { zh: '31–45', en: '31–45' },
  '46to60': { zh: '46–60', en: '46–60' },
  gt60: { zh: '>60岁', en: '>60' },
  postgraduate: { zh: '研究生', en: 'Postgrad' },
  bachelor: { zh: '本科', en: 'Bachelor' },
  college: { zh: '大专', en: 'College' },
  secondary: { zh: '中专及以下', en: 'Secondary' },
  lt5: { zh: '<5年', en: '<5 y' },
  '5to20': { zh: '5–20年', en: '5–20 y' },
  gt20: { zh: '>20年', en: '>20 y' },
};

export const STAGE_LABELS: Record<TransferStage, Entry> = {
  applied: { zh: '申请', en: 'Applied' },
  approved: { zh: '审核', en: 'Approved' },
  received: { zh: '接收', en: 'Received' },
  completed: { zh: '完成', en: 'Completed' },
  rejected: { zh: '退回', en: 'Rejected' },
};

export const MEETING_LABELS: Record<MeetingKind, Entry> = {
  assembly: { zh: '党员大会', en: 'Assembly' },
  committee: { zh: '支委会', en: 'Committee' },
  group: { zh: '党小组会', en: 'Group' },
  lecture: { zh: '党课', en: 'Lecture' },
};

export const SEVERITY_LABELS: Record<AlertSeverity, Entry> = {
  red: { zh: '红', en: 'Red' },
  orange: { zh: '橙', en: 'Orange' },
  yellow: { zh: '黄', en: 'Yellow' },
};

const TEXT = {
  titleSuffix: { zh: '智慧党建指挥中心', en: ' Smart Party Building Command Center' },
  live: { zh: '实时', en: 'LIVE' },
  asOf: { zh: '数据截至', en: 'data as of' },
  connecting: { zh: '正在连接…', en: 'connecting…' },
  noData: { zh: '暂无数据', en: 'no data' },
  noStudyToday: { zh: '暂无数据 · 今日尚无学习记录', en: 'no data · no study events today' },
  noExamsToday: { zh: '暂无数据 · 今日尚无考试', en: 'no data · no exams today' },
  noMeetings: { zh: '暂无数据 · 本月尚无组织生活', en: 'no data · no meetings this month' },
  noTransfers: { zh: '暂无数据 · 暂无转接案件', en: 'no data · no transfer cases' },
  noPoints: { zh: '暂无数据 · 本月尚无积分', en: 'no data · no points this month' },
  noFloating: { zh: '暂无数据 · 暂无流动党员报到', en: 'no data · no floating check-ins' },
  noChildren: { zh: '暂无数据 · 无下级区域', en: 'no data · no child regions' },
  noTicker: { zh: '暂无动态', en: 'no events yet' },
  noAlerts: { zh: '运行正常 · 暂无预警', en: 'all normal · no alerts' },
  alertsTitle: { zh: '预警', en: 'Alerts' },
  alertsPending: { zh: '预警评估中', en: 'awaiting evaluation' },
  alertNoData: { zh: '数据暂缺', en: 'no data' },
  alertAcked: { zh: '已处置', en: 'acked by' },
  alertStorm: { zh: '预警风暴', en: 'Alert storm' },
  alertWorst: { zh: '最高', en: 'worst' },
  panelRanking: { zh: '学习率排名', en: 'Study rate by region' },
  panelHourly: { zh: '今日学习趋势', en: 'Study today vs yesterday' },
  panelDaily: { zh: '近30日学习人数', en: 'Learners, last 30 days' },
  panelExam: { zh: '考试合格率', en: 'Exam pass' },
  panelMeetings: { zh: '三会一课', en: 'Meetings' },
  panelTransfers: { zh: '组织关系转接', en: 'Relationship transfers' },
  panelLeaderboard: { zh: '积分排行', en: 'Points leaderboard' },
  panelFloating: { zh: '流动党员去向', en: 'Destinations' },
  panelTicker: { zh: '实时动态', en: 'Live events' },
  panelDues: { zh: '党费收缴', en: 'Party dues' },
  panelDevelopment: { zh: '发展党员', en: 'Development' },
  panelStructure: { zh: '党员结构', en: 'Structure' },
  noDues: { zh: '暂无数据 · 本月尚无党费缴纳记录', en: 'no data · no dues paid this month' },
  noDuesRegions: { zh: '暂无数据 · 下级区域尚无党费记录', en: 'no data · no dues by region yet' },
  noDevelopment: { zh: '暂无数据 · 暂无发展党员记录', en: 'no data · no development cases' },
  noStructure: { zh: '暂无数据 · 尚无党组织报送党员结构', en: 'no data · no organization reports structure' },
  duesPaidUnit: { zh: '人', en: 'paid' },
  yuanUnit: { zh: '元', en: '' },
  dropped: { zh: '已终止', en: 'Dropped' },
  structureBase: { zh: '个组织报送', en: 'orgs' },
  structureMembers: { zh: '名党员', en: 'members' },
  panelKpi: { zh: '核心指标', en: 'Key figures' },
  today: { zh: '今日', en: 'Today' },
  yesterday: { zh: '昨日', en: 'Yesterday' },
  learners: { zh: '学习人数', en: 'Learners' },
  compliance: { zh: '达标率', en: 'Compliance' },
  attendance: { zh: '参会率', en: 'Attendance' },
  overdue: { zh: '超期', en: 'Overdue' },
  outOfContact: { zh: '失联', en: 'Out of contact' },
  members: { zh: '人', en: '' },
  themeStudy: { zh: '学习', en: 'Study' },
  themeFloating: { zh: '流动党员', en: 'Floating' },
  themeTransfers: { zh: '组织关系转接', en: 'Transfers' },
  nationalView: { zh: '流动党员分布（全国）', en: 'Floating members across China' },
  illustrative: { zh: '示意', en: 'illustrative' },
  illustrativeNote: { zh: '乡镇、村界为示意，非勘界数据', en: 'township and village shapes, not surveyed boundaries' },
  illustrativeRegions: { zh: '界为示意，非勘界数据', en: 'shapes, not surveyed boundaries' },
  illustrativeCounties: { zh: '区县', en: 'district and county' },
  illustrativeCities: { zh: '市', en: 'city' },
  southChinaSea: { zh: '南海诸岛', en: 'South China Sea Islands' },
  legendStudy: { zh: '今日学习率', en: 'Study rate today' },
  legendTransfers: { zh: '转接办理中', en: 'Open transfers' },
  scopeLimited: { zh: '权限范围外', en: 'outside this wall’s scope' },
  studied: { zh: '完成学习', en: 'studied' },
  examPassed: { zh: '考试合格', en: 'passed an exam' },
  examFailed: { zh: '参加考试', en: 'took an exam' },
  meetingHeld: { zh: '召开', en: 'held' },
  transferMoved: { zh: '转接', en: 'transfer' },
  pointsAwarded: { zh: '积分', en: 'points' },
  checkedIn: { zh: '流动党员报到', en: 'floating check-in' },
  developmentMoved: { zh: '发展党员', en: 'development' },
  duesPaid: { zh: '缴纳党费', en: 'paid dues' },
  active: { zh: '在线', en: 'online' },
  minutesUnit: { zh: '分钟', en: 'min' },
  scoreUnit: { zh: '分', en: 'pts' },
  examsUnit: { zh: '人次', en: 'exams' },
  replay: { zh: '回放', en: 'REPLAY' },
  replayNone: { zh: '该时段无回放记录', en: 'nothing recorded at this time' },
  replayError: { zh: '回放数据暂不可读', en: 'replay unavailable now' },
  replayLoading: { zh: '正在载入回放…', en: 'loading replay…' },
  takeover: { zh: '预警接管', en: 'Alert takeover' },
  secondsLeft: { zh: '秒后返回', en: 's left' },
  spotlight: { zh: '重点预警', en: 'Spotlight' },
  pairingCode: { zh: '控制配对码', en: 'Control pairing code' },
  pairingHint: {
    zh: '在平板打开 /control 输入此码（每 60 秒更换）',
    en: 'Open /control on the tablet and enter it (changes every 60 s)',
  },
  handover: { zh: '控制权移交', en: 'Control handed over' },
  roomLink: { zh: '联动', en: 'Room' },
  roomLost: { zh: '联动断开', en: 'room link lost' },
  standbyMotto: { zh: '不忘初心 · 牢记使命', en: 'Stay true to our founding mission' },
} satisfies Record<string, Entry>;

export type TextKey = keyof typeof TEXT;

export function t(lang: Lang, key: TextKey): string {
  return TEXT[key][lang];
}

export function label(lang: Lang, entry: Entry): string {
  return entry[lang];
}
