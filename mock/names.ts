// Realistic Chinese personal names and organization names. Pure functions of a hash.
import { mix32 } from './prng.ts';

// The most common surnames, roughly by frequency (公安部 户籍姓氏统计 puts 王 李 张 刘 陈 first).
const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 72],
  ['李', 70],
  ['张', 66],
  ['刘', 55],
  ['陈', 46],
  ['杨', 33],
  ['赵', 21],
  ['黄', 20],
  ['周', 19],
  ['吴', 19],
  ['徐', 15],
  ['孙', 15],
  ['胡', 13],
  ['朱', 13],
  ['高', 12],
  ['林', 11],
  ['何', 11],
  ['郭', 11],
  ['马', 11],
  ['罗', 9],
  ['梁', 9],
  ['宋', 8],
  ['郑', 8],
  ['谢', 7],
  ['韩', 7],
  ['唐', 7],
  ['冯', 7],
  ['于', 6],
  ['董', 6],
  ['萧', 6],
  ['程', 5],
  ['曹', 5],
  ['袁', 5],
  ['邓', 5],
  ['许', 5],
  ['傅', 5],
  ['沈', 5],
  ['曾', 5],
  ['彭', 5],
  ['吕', 5],
  ['苏', 4],
  ['卢', 4],
  ['蒋', 4],
  ['蔡', 4],
  ['贾', 4],
  ['丁', 4],
  ['魏', 4],
  ['薛', 4],
  ['叶', 4],
  ['阎', 3],
  ['余', 3],
  ['潘', 3],
  ['杜', 3],
  ['戴', 3],
  ['夏', 3],
  ['钟', 3],
  ['汪', 3],
  ['田', 3],
  ['任', 3],
  ['姜', 3],
  ['范', 3],
  ['方', 3],
  ['石', 3],
  ['姚', 3],
  ['谭', 2],
  ['廖', 2],
  ['邹', 2],
  ['熊', 2],
  ['金', 2],
  ['陆', 2],
  ['郝', 2],
  ['孔', 2],
  ['白', 2],
  ['崔', 2],
  ['康', 2],
  ['毛', 2],
  ['邱', 2],
  ['秦', 2],
  ['江', 2],
  ['史', 2],
  ['雷', 2],
  ['侯', 2],
  ['贺', 2],
  ['党', 1],
  ['樊', 1],
  ['柴', 1],
  ['惠', 1],
  ['上官', 0.3],
  ['欧阳', 0.3],
  ['司马', 0.2],
];
const SURNAME_CUM = (() => {
  const out: number[] = [];
  let total = 0;
  for (const [, w] of SURNAMES) out.push((total += w));
  return out;
})();
const SURNAME_TOTAL = SURNAME_CUM[SURNAME_CUM.length - 1]!;

const GIVEN =
  '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力国荣鹏宇浩凯峰晨亮成林斌波宁春雪梅琳婷燕俊飞鑫志新海云龙亚楠佳欣怡梓涵子轩博文瑞安嘉乐晓东永胜德福兴旺振军卫民利光' +
  '秋菊冬梅小红丽娟海燕淑珍桂芝凤兰立新学军红军跃进向阳卫东';

/** A name like 王建华 or 李娜, stable for a hash. At most 4 characters. */
export function personName(h: number): string {
  const a = mix32(h ^ 0x51ed27);
  const target = (a / 4294967296) * SURNAME_TOTAL;
  let i = 0;
  while (SURNAME_CUM[i]! <= target) i++;
  const surname = SURNAMES[i]![0];
  const b = mix32(a + 0x1b873593);
  const first = GIVEN[b % GIVEN.length]!;
  // About a third of given names have one character.
  if (b % 3 === 0) return surname + first;
  const second = GIVEN[mix32(b) % GIVEN.length]!;
  return surname + first + (second === first && b % 5 !== 0 ? GIVEN[(b >>> 8) % GIVEN.length]! : second);
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五'];

/** 第一, 第二 … (falls back to digits beyond 十五). */
export function ordinal(n: number): string {
  return `第${NUMERALS[n - 1] ?? String(n)}`;
}

/**
 * The bare place name of a village or community from the NBS name, dropping the committee
 * suffix: 民乐社区居委会 → 民乐社区, 枣园苏村委会 → 枣园苏村, 北康居委会 → 北康社区.
 */
export function placeName(nbsName: string, urban: boolean): string {
  let base = nbsName
    .replace(/(居民委员会|村民委员会|居委会|村委会|社区委会|社区居民委会|区委会|民委会|委员会)$/, '')
    .replace(/(社区|村)$/, '');
  if (base === '') base = nbsName;
  return urban ? `${base}社区` : `${base}村`;
}
