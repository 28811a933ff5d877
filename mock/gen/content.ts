// What members study, which exams they sit and why points move. Titles are typical of
// municipal party-education platforms.

export const COURSES: readonly string[] = [
  '习近平新时代中国特色社会主义思想学习纲要',
  '党的二十大报告专题辅导',
  '《中国共产党章程》逐条学',
  '《中国共产党纪律处分条例》解读',
  '党史学习教育：伟大建党精神',
  '新中国史专题：从站起来到强起来',
  '改革开放史专题讲座',
  '社会主义发展史专题讲座',
  '中央八项规定精神学习',
  '基层党组织建设实务',
  '三会一课规范化操作指南',
  '党员发展工作流程',
  '乡村振兴战略与实践',
  '基层治理现代化案例',
  '铸牢中华民族共同体意识',
  '总体国家安全观专题',
  '生态文明建设：秦岭保护',
  '延安精神与新时代',
  '照金精神专题',
  '西迁精神专题',
  '网络安全与保密常识',
  '廉洁文化微课堂',
  '每日一课：时事政治',
  '党员先锋模范作用案例',
];

export const SELF_TESTS: readonly string[] = ['党章党规', '党史知识', '理论学习', '保密知识', '廉政知识', '时政要闻'];

export const POINT_REASONS: readonly (readonly [reason: string, points: readonly number[]])[] = [
  ['完成在线学习', [1, 1, 2, 2, 3]],
  ['参加三会一课', [5, 5, 10]],
  ['在线考试合格', [3, 5, 10]],
  ['按时缴纳党费', [2, 5]],
  ['参加志愿服务', [5, 10, 20]],
  ['主题党日活动', [5, 10]],
  ['撰写心得体会', [2, 3, 5]],
  ['结对帮扶', [10, 20]],
];

export const POINT_DEDUCTIONS: readonly (readonly [reason: string, points: readonly number[]])[] = [
  ['无故缺席组织生活', [-5, -10]],
  ['未按期缴纳党费', [-5, -10]],
  ['学习任务逾期未完成', [-1, -2, -3]],
];

/** Share of point events that take points away. */
export const DEDUCTION_SHARE = 0.03;
