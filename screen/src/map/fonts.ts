// The system CJK font stack (no web fonts: the wall runs without internet).
export const FONT_STACK_LIST = [
  'Noto Sans CJK SC',
  'Source Han Sans SC',
  'Microsoft YaHei',
  'PingFang SC',
  'sans-serif',
];
export const LOCAL_IDEOGRAPH_FONT =
  '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';
