// The console's words, zh-CN first (the wall's are in screen/src/i18n.ts; these ship in the
// console's chunk only).
import type { AlertSeverity } from '../../../../server/contract/alerts.ts';
import type { Lang } from '../../params.ts';
import type { AlertGroup } from './model.ts';

type Entry = { zh: string; en: string };

const TEXT = {
  title: { zh: '预警处置台', en: 'Alert console' },
  subtitle: { zh: '智慧党建指挥中心 · 预警中心', en: 'Smart Party Building · Early-warning center' },
  signInTitle: { zh: '值班员登录', en: 'Operator sign-in' },
  signInHint: { zh: '请输入值班员令牌（仅保存在本标签页）', en: 'Enter your operator token (kept in this tab only)' },
  tokenLabel: { zh: '值班员令牌', en: 'Operator token' },
  signIn: { zh: '登录', en: 'Sign in' },
  signOut: { zh: '退出', en: 'Sign out' },
  refusedToken: { zh: '令牌被拒绝', en: 'Token refused' },
  live: { zh: '实时', en: 'Live' },
  connecting: { zh: '正在连接…', en: 'Connecting…' },
  disconnected: { zh: '已断开', en: 'Disconnected' },
  disconnectedNote: {
    zh: '与服务器的连接已断开，正在重连。以下为断开前的状态，可能已过时。',
    en: 'Connection to the server lost, reconnecting. This is the state before it dropped: it may be out of date.',
  },
  stateAsOf: { zh: '状态接收于', en: 'state received' },
  evaluatedAt: { zh: '最近评估', en: 'Last evaluation' },
  neverEvaluated: { zh: '尚未评估', en: 'not yet evaluated' },
  operator: { zh: '值班员', en: 'Operator' },
  tabAlerts: { zh: '预警', en: 'Alerts' },
  tabSilences: { zh: '静默', en: 'Silences' },
  tabAudit: { zh: '审计', en: 'Audit' },
  all: { zh: '全部', en: 'All' },
  severity: { zh: '级别', en: 'Severity' },
  state: { zh: '状态', en: 'State' },
  region: { zh: '区域', en: 'Region' },
  allRegions: { zh: '全部区域', en: 'All regions' },
  allRules: { zh: '全部规则', en: 'all rules' },
  regionCode: { zh: '区划代码', en: 'Region code' },
  noAlerts: { zh: '暂无符合条件的预警', en: 'No alerts match' },
  value: { zh: '当前值', en: 'value' },
  threshold: { zh: '阈值', en: 'threshold' },
  flapping: { zh: '抖动', en: 'Flapping' },
  ackedBy: { zh: '已确认', en: 'Acknowledged by' },
  silencedNote: { zh: '已被静默', en: 'Silenced by' },
  inhibitedBy: { zh: '被上级预警抑制', en: 'Inhibited by the alert above' },
  showInhibited: { zh: '显示被上级抑制的', en: 'Show inhibited' },
  notFired: { zh: '未触发', en: 'never fired' },
  acknowledge: { zh: '确认', en: 'Acknowledge' },
  unacknowledge: { zh: '取消确认', en: 'Unacknowledge' },
  silence: { zh: '静默…', en: 'Silence…' },
  history: { zh: '历史', en: 'History' },
  hideHistory: { zh: '收起历史', en: 'Hide history' },
  openOnWall: { zh: '在大屏查看', en: 'Open on wall' },
  comment: { zh: '处置说明', en: 'Comment' },
  commentRequired: { zh: '请填写处置说明', en: 'A comment is required' },
  commentPlaceholder: { zh: '例如：已电话联系支部书记', en: 'e.g. called the branch secretary' },
  confirm: { zh: '提交', en: 'Submit' },
  cancel: { zh: '取消', en: 'Cancel' },
  working: { zh: '提交中…', en: 'Sending…' },
  actionFailed: { zh: '操作失败', en: 'Action failed' },
  dismiss: { zh: '关闭', en: 'Dismiss' },
  silenceFor: { zh: '静默时长', en: 'Silence for' },
  h1: { zh: '1 小时', en: '1 h' },
  h4: { zh: '4 小时', en: '4 h' },
  h24: { zh: '24 小时', en: '24 h' },
  untilResolved: { zh: '直至恢复', en: 'until resolved' },
  rule: { zh: '规则', en: 'Rule' },
  onlyThisRule: { zh: '仅此规则', en: 'this rule only' },
  descendants: { zh: '包含下级区域', en: 'include regions below' },
  historyEmpty: { zh: '暂无历史记录', en: 'no history' },
  historyLoading: { zh: '正在加载历史…', en: 'loading history…' },
  flappingRun: { zh: '次状态切换（抖动）', en: 'state changes (flapping)' },
  noSilences: { zh: '暂无静默', en: 'No silences' },
  active: { zh: '生效中', en: 'active' },
  ended: { zh: '已结束', en: 'ended' },
  expire: { zh: '提前结束', en: 'Expire' },
  createdBy: { zh: '创建人', en: 'by' },
  endsAt: { zh: '结束于', en: 'ends' },
  endedBy: { zh: '结束人', en: 'ended by' },
  auditTitle: { zh: '近 24 小时操作审计', en: 'Audit, last 24 h' },
  refresh: { zh: '刷新', en: 'Refresh' },
  auditEmpty: { zh: '近 24 小时无记录', en: 'nothing in the last 24 h' },
  auditLoading: { zh: '正在加载审计…', en: 'loading audit…' },
  refused: { zh: '被拒绝', en: 'refused' },
  colTime: { zh: '时间', en: 'Time' },
  colBy: { zh: '操作人', en: 'By' },
  colAction: { zh: '操作', en: 'Action' },
  colTarget: { zh: '对象', en: 'Target' },
  colComment: { zh: '说明', en: 'Comment' },
  colResult: { zh: '结果', en: 'Result' },
  language: { zh: 'English', en: '中文' },
  tabRooms: { zh: '大屏房间', en: 'Rooms' },
  roomsTitle: { zh: '大屏联动房间', en: 'Wall rooms' },
  roomsEmpty: { zh: '暂无房间（大屏以 ?room= 加入）', en: 'No rooms yet (walls join with ?room=)' },
  roomsLoading: { zh: '正在加载房间…', en: 'loading rooms…' },
  showPairing: { zh: '显示配对码', en: 'Show pairing code' },
  hidePairing: { zh: '隐藏', en: 'Hide' },
  pairingCode: { zh: '配对码', en: 'Pairing code' },
  pairingExpires: { zh: '本码有效至', en: 'this code until' },
  pairingUntil: { zh: '轮换显示至', en: 'rotating until' },
  pairingNote: {
    zh: '大屏上正显示此码；平板在 /control 输入即可控制该房间',
    en: 'The walls show this code; a tablet enters it at /control to drive the room',
  },
  controller: { zh: '控制者', en: 'In control' },
  openControl: { zh: '打开控制页', en: 'Open control page' },
} satisfies Record<string, Entry>;

export type ConsoleTextKey = keyof typeof TEXT;

export function ct(lang: Lang, key: ConsoleTextKey): string {
  return TEXT[key][lang];
}

export const GROUP_LABELS: Record<AlertGroup, Entry> = {
  firing: { zh: '告警中', en: 'Firing' },
  acknowledged: { zh: '已确认', en: 'Acknowledged' },
  silenced: { zh: '已静默', en: 'Silenced' },
  pending: { zh: '待定', en: 'Pending' },
  resolved: { zh: '已恢复', en: 'Resolved' },
  nodata: { zh: '无数据', en: 'No data' },
};

export const SEVERITY_LABELS: Record<AlertSeverity, Entry> = {
  red: { zh: '红', en: 'Red' },
  orange: { zh: '橙', en: 'Orange' },
  yellow: { zh: '黄', en: 'Yellow' },
};

/** history events: transitions and actions */
export const EVENT_LABELS: Record<string, Entry> = {
  pending: { zh: '进入待定', en: 'pending' },
  firing: { zh: '开始告警', en: 'firing' },
  resolved: { zh: '已恢复', en: 'resolved' },
  nodata: { zh: '无数据', en: 'no data' },
  dropped: { zh: '已移除', en: 'dropped' },
  ack: { zh: '确认', en: 'acknowledged' },
  unack: { zh: '取消确认', en: 'unacknowledged' },
  silence: { zh: '静默', en: 'silenced' },
  expire: { zh: '静默结束', en: 'silence expired' },
};

export function eventLabel(lang: Lang, event: string): string {
  return EVENT_LABELS[event]?.[lang] ?? event;
}
