// The control page's words, zh-CN first (they ship in the control page's chunk only).
import type { FullPanel, RoomTheme } from '../../../../server/contract/control.ts';
import { t, type TextKey } from '../../i18n.ts';
import type { Lang } from '../../params.ts';

type Entry = { zh: string; en: string };

const TEXT = {
  title: { zh: '大屏联动控制', en: 'Wall control' },
  subtitle: { zh: '智慧党建指挥中心 · 演示控制', en: 'Smart Party Building · Presenter' },
  signInTitle: { zh: '连接大屏', en: 'Connect to a room' },
  pairHint: {
    zh: '输入大屏上显示的 6 位配对码（值班员可在预警处置台请求显示）',
    en: 'Enter the 6-digit code a wall shows (an operator shows it from the console)',
  },
  pairCode: { zh: '配对码', en: 'Pairing code' },
  pair: { zh: '配对', en: 'Pair' },
  orToken: { zh: '或使用值班员令牌', en: 'or an operator token' },
  tokenLabel: { zh: '值班员令牌', en: 'Operator token' },
  roomLabel: { zh: '房间', en: 'Room' },
  roomHint: { zh: '字母、数字、- 或 _，最多 32 位', en: 'letters, digits, - or _, up to 32' },
  signIn: { zh: '登录', en: 'Sign in' },
  signOut: { zh: '退出', en: 'Sign out' },
  working: { zh: '请稍候…', en: 'Working…' },
  wrongCode: { zh: '配对码错误或已过期', en: 'Wrong or expired code' },
  lockedOut: { zh: '错误次数过多，请稍后再试', en: 'Too many wrong codes; try again later' },
  retryIn: { zh: '秒后重试', en: 's until retry' },
  refused: { zh: '连接被拒绝', en: 'Refused' },
  chooseRoom: { zh: '选择房间', en: 'Choose a room' },
  noRooms: { zh: '暂无房间（大屏以 ?room= 加入）', en: 'No rooms yet (walls join with ?room=)' },
  open: { zh: '进入', en: 'Open' },
  live: { zh: '实时', en: 'Live' },
  connecting: { zh: '正在连接…', en: 'Connecting…' },
  disconnected: { zh: '已断开', en: 'Disconnected' },
  disconnectedNote: {
    zh: '与服务器的连接已断开，正在重连；以下为断开前的房间状态。',
    en: 'Connection lost, reconnecting; this is the room as it was before.',
  },
  session: { zh: '会话剩余', en: 'Session' },
  renewFailed: { zh: '会话续期失败', en: 'Session renewal failed' },
  operator: { zh: '值班员', en: 'Operator' },
  paired: { zh: '配对平板', en: 'Paired tablet' },
  // mirror
  nowShowing: { zh: '当前画面', en: 'On the walls' },
  region: { zh: '区域', en: 'Region' },
  theme: { zh: '主题', en: 'Theme' },
  lang: { zh: '语言', en: 'Language' },
  panel: { zh: '全屏面板', en: 'Full-screen panel' },
  scene: { zh: '场景', en: 'Scene' },
  standby: { zh: '待机', en: 'Standby' },
  wake: { zh: '唤醒', en: 'Wake' },
  standbyOn: { zh: '待机中', en: 'in standby' },
  wallsOwn: { zh: '各屏自定', en: "walls' own" },
  wholeWall: { zh: '整屏', en: 'whole wall' },
  none: { zh: '无', en: 'none' },
  tour: { zh: '巡播', en: 'Tour' },
  step: { zh: '第', en: 'step' },
  stepOf: { zh: '步 / 共', en: 'of' },
  dwellLeft: { zh: '本步剩余', en: 'dwell left' },
  pausedBy: { zh: '已暂停', en: 'paused' },
  byPresenter: { zh: '演示者暂停', en: 'by the presenter' },
  byManual: { zh: '手动操作中断', en: 'by a manual change' },
  byTakeover: { zh: '预警接管中', en: 'by an alert takeover' },
  takeover: { zh: '预警接管', en: 'Alert takeover' },
  queued: { zh: '排队', en: 'queued' },
  replay: { zh: '回放', en: 'Replay' },
  replayed: { zh: '回放时刻', en: 'Replayed time' },
  controller: { zh: '控制者', en: 'In control' },
  nobody: { zh: '无人控制', en: 'nobody' },
  you: { zh: '（本机）', en: ' (you)' },
  handover: { zh: '控制权已移交', en: 'Control handed over' },
  takeControl: { zh: '接管控制', en: 'Take control' },
  release: { zh: '释放控制', en: 'Release' },
  walls: { zh: '房间内大屏', en: 'Walls in the room' },
  noWalls: { zh: '暂无大屏加入此房间', en: 'No wall in this room' },
  wallLive: { zh: '实时', en: 'live' },
  wallStale: { zh: '数据滞后', en: 'stale' },
  wallReplaying: { zh: '回放中', en: 'replaying' },
  wallSilent: { zh: '无响应', en: 'not reporting' },
  applied: { zh: '已应用', en: 'applied' },
  pairingShown: { zh: '大屏正在显示配对码', en: 'Walls show a pairing code' },
  // controls
  controls: { zh: '画面控制', en: 'Controls' },
  back: { zh: '返回整屏', en: 'Back to the wall' },
  spotlight: { zh: '聚焦预警', en: 'Spotlight an alert' },
  noAlerts: { zh: '暂无告警', en: 'No alerts' },
  clearSpotlight: { zh: '取消聚焦', en: 'Clear spotlight' },
  reset: { zh: '复位', en: 'Reset' },
  commandFailed: { zh: '指令未执行', en: 'Command refused' },
  dismiss: { zh: '关闭', en: 'Dismiss' },
  // scenes
  scenes: { zh: '场景', en: 'Scenes' },
  noScenes: { zh: '暂无场景', en: 'No scenes' },
  apply: { zh: '切换', en: 'Apply' },
  edit: { zh: '编辑', en: 'Edit' },
  delete: { zh: '删除', en: 'Delete' },
  newScene: { zh: '新建场景', en: 'New scene' },
  saveView: { zh: '保存当前画面为场景', en: 'Save current view as scene' },
  name: { zh: '名称', en: 'Name' },
  save: { zh: '保存', en: 'Save' },
  cancel: { zh: '取消', en: 'Cancel' },
  // tours
  tours: { zh: '巡播', en: 'Tours' },
  noTours: { zh: '暂无巡播', en: 'No tours' },
  newTour: { zh: '新建巡播', en: 'New tour' },
  play: { zh: '播放', en: 'Play' },
  pause: { zh: '暂停', en: 'Pause' },
  resume: { zh: '继续', en: 'Resume' },
  next: { zh: '下一步', en: 'Next' },
  prev: { zh: '上一步', en: 'Previous' },
  stop: { zh: '停止', en: 'Stop' },
  steps: { zh: '步骤', en: 'Steps' },
  dwellS: { zh: '停留（秒）', en: 'Dwell (s)' },
  addStep: { zh: '添加步骤', en: 'Add step' },
  remove: { zh: '移除', en: 'Remove' },
  loop: { zh: '循环播放', en: 'Loop' },
  allowTakeover: { zh: '允许红色预警接管', en: 'Red alerts may take over' },
  takeoverS: { zh: '接管时长（20–120 秒）', en: 'Takeover (20–120 s)' },
  // replay
  replayTitle: { zh: '历史回放', en: 'Replay' },
  day: { zh: '日期', en: 'Day' },
  last24h: { zh: '最近 24 小时', en: 'Last 24 h' },
  start: { zh: '开始回放', en: 'Start replay' },
  speed: { zh: '倍速', en: 'Speed' },
  replayNote: {
    zh: '回放期间大屏标记“回放”，不影响实时数据',
    en: 'Walls are marked 回放 (replay); live data is untouched',
  },
  alertsInWindow: { zh: '窗口内预警', en: 'alerts in the window' },
  language: { zh: 'English', en: '中文' },
} satisfies Record<string, Entry>;

export type ControlTextKey = keyof typeof TEXT;

export function tt(lang: Lang, key: ControlTextKey): string {
  return TEXT[key][lang];
}

// the wall's own words for its themes and panels (screen/src/i18n.ts): one name, one place
const THEME_KEYS: Record<RoomTheme, TextKey> = {
  study: 'themeStudy',
  floating: 'themeFloating',
  transfers: 'themeTransfers',
};
const PANEL_KEYS: Record<FullPanel, TextKey> = {
  transfers: 'panelTransfers',
  meetings: 'panelMeetings',
  leaderboard: 'panelLeaderboard',
  floating: 'panelFloating',
  ranking: 'panelRanking',
  hourly: 'panelHourly',
  daily: 'panelDaily',
  exam: 'panelExam',
  dues: 'panelDues',
  development: 'panelDevelopment',
  structure: 'panelStructure',
};

export const themeLabel = (lang: Lang, theme: RoomTheme): string => t(lang, THEME_KEYS[theme]);
export const panelLabel = (lang: Lang, panel: FullPanel): string => t(lang, PANEL_KEYS[panel]);

export const LANG_LABELS: Record<'zh' | 'en', string> = { zh: '中文', en: 'English' };
