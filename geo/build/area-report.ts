// `node --import tsx geo/build/area-report.ts --area CODE [--out DIR]`: writes DIR/build-report.json,
// which county-level units of the area get a package boundary (matched, joined by name) and which
// are to be drawn illustratively (geo/build/report.ts). Writes nothing under geo/data/.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { areaReport, writeReport } from './report.ts';

const { values } = parseArgs({
  options: { area: { type: 'string' }, out: { type: 'string', default: '.' } },
});
if (!values.area) throw new Error('usage: area-report.ts --area CODE [--out DIR]');
const report = areaReport(values.area);
const file = writeReport(report, resolve(values.out));
const c = report.counts;
console.log(
  `${report.area.code} ${report.area.name}: ${c.counties} counties, ${c.matched} matched, ` +
    `${c.joinedByName} joined by name, ${c.illustrative} illustrative (${c.codeReused} codes reused), ` +
    `${c.unusedBoundaries} boundaries unused → ${file}`,
);
