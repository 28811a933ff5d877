// npm run audit:export: the records of local days as RFC 4180 CSV, from the files of a DATA_DIR
// or from Redis, run as the real command.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { ZonedClock } from '../../server/aggregate/period.ts';
import { csvField, zonedIso } from '../../server/audit/csv.ts';
import type { FileAuditSink } from '../../server/audit/files.ts';
import { AuditLog } from '../../server/audit/log.ts';
import { localDayStart } from '../../server/cli/audit-export.ts';
import { sinkHarnesses } from './audit-engines.ts';

const run = promisify(execFile);
const clock = new ZonedClock('Asia/Shanghai');
const harnesses = await sinkHarnesses();
afterAll(async () => {
  for (const h of harnesses) await h.cleanup();
});

describe('CSV', () => {
  it('quotes as RFC 4180 says', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });
  it('times in the zone with its offset; local days start at local midnight', () => {
    const t = Date.parse('2026-12-01T02:30:00Z');
    expect(zonedIso(clock, t)).toBe('2026-12-01T10:30:00.000+08:00');
    expect(zonedIso(new ZonedClock('America/New_York'), t)).toBe('2026-11-30T21:30:00.000-05:00');
    expect(localDayStart(clock, '2026-12-01')).toBe(Date.parse('2026-12-01T00:00:00+08:00'));
  });
});

describe.each(harnesses.map((h) => [h.name, h] as const))('npm run audit:export (%s)', (_name, h) => {
  it('prints the days asked for (both included) as CSV, a field with commas and quotes intact', async () => {
    // the days just before today, inside the retention (Redis expires by the real clock)
    const today = clock.day(Date.now());
    const d1 = clock.day(localDayStart(clock, today) - 3 * 86_400_000);
    const d2 = clock.day(localDayStart(clock, d1) + 36 * 3_600_000);
    const d3 = clock.day(localDayStart(clock, d2) + 36 * 3_600_000);
    const sink = await h.create();
    let t = 0;
    const log = new AuditLog({
      sink,
      timeZone: 'Asia/Shanghai',
      retentionDays: 180,
      flushIntervalMs: 0,
      maxBuckets: 10,
      now: () => t,
    });
    await log.open();
    const at = (day: string, hours: number) => localDayStart(clock, day) + hours * 3_600_000;
    t = at(d1, 0.5);
    await log.record({
      kind: 'roster',
      action: 'PUT /api/v1/roster',
      actor: 'aaaaaaaaaaaa',
      address: '127.0.0.1',
      status: 200,
      result: 'ok',
      detail: { orgs: 3 },
    });
    t = at(d2, 23.5);
    await log.record({
      kind: 'operator',
      action: 'note, "quoted"',
      actor: 'bbbbbbbbbbbb',
      result: 'ok',
      detail: { text: 'a,b\n"c"' },
    });
    t = at(d3, 1);
    await log.record({ kind: 'roster', action: 'PUT /api/v1/roster', actor: 'later', result: 'ok' });
    t = at(d2, 10);
    log.count(
      {
        kind: 'refusal',
        action: 'POST /api/v1/events',
        actor: 'none',
        address: '10.0.0.9',
        status: 401,
        result: 'unauthorized',
      },
      undefined,
      true,
    );
    t = at(d2, 10.25);
    await log.flush();
    await log.close();

    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...h.env() };
    const args = ['--import', 'tsx', 'server/cli/audit-export.ts', '--from', d1, '--to', d2];
    const { stdout, stderr } = await run(process.execPath, args, { env, cwd: process.cwd(), timeout: 30_000 });
    expect(stdout.split('\r\n')[0]).toBe('time,until,kind,action,actor,address,status,result,count,detail');
    const rows = parse(stdout, { columns: true, record_delimiter: '\r\n' }) as Record<string, string>[];
    expect(rows).toEqual([
      {
        time: zonedIso(clock, at(d1, 0.5)),
        until: '',
        kind: 'roster',
        action: 'PUT /api/v1/roster',
        actor: 'aaaaaaaaaaaa',
        address: '127.0.0.1',
        status: '200',
        result: 'ok',
        count: '1',
        detail: '{"orgs":3}',
      },
      {
        time: zonedIso(clock, at(d2, 10)),
        until: zonedIso(clock, at(d2, 10.25)),
        kind: 'refusal',
        action: 'POST /api/v1/events',
        actor: 'none',
        address: '10.0.0.9',
        status: '401',
        result: 'unauthorized',
        count: '1',
        detail: '',
      },
      {
        time: zonedIso(clock, at(d2, 23.5)),
        until: '',
        kind: 'operator',
        action: 'note, "quoted"',
        actor: 'bbbbbbbbbbbb',
        address: '',
        status: '',
        result: 'ok',
        count: '1',
        detail: JSON.stringify({ text: 'a,b\n"c"' }),
      },
    ]);
    expect(stderr).toContain(`3 audit records (${h.name})`);

    const refusals = await run(process.execPath, [...args, '--kind', 'refusal'], {
      env,
      cwd: process.cwd(),
      timeout: 30_000,
    });
    const kinds = (parse(refusals.stdout, { columns: true }) as { kind: string }[]).map((r) => r.kind);
    expect(kinds).toEqual(['refusal']);
  }, 60_000);
});

describe('npm run audit:export arguments', () => {
  it('--data-dir reads that directory whatever REDIS_URL says; a bad range is a usage error', async () => {
    const h = harnesses.find((x) => x.name === 'files')!;
    const sink = (await h.create()) as FileAuditSink;
    const day = clock.day(Date.now());
    await sink.append(
      new Map([[day, [{ ts: Date.now(), kind: 'roster', action: 'x', actor: 'y', result: 'ok', count: 1 }]]]),
    );
    const dataDir = join(sink.dir, '..');
    const env = { PATH: process.env.PATH, REDIS_URL: 'redis://127.0.0.1:1' };
    const ok = await run(
      process.execPath,
      ['--import', 'tsx', 'server/cli/audit-export.ts', '--from', day, '--to', day, '--data-dir', dataDir],
      { env, timeout: 30_000 },
    );
    expect(parse(ok.stdout, { columns: true })).toHaveLength(1);
    const bad = run(
      process.execPath,
      ['--import', 'tsx', 'server/cli/audit-export.ts', '--from', day, '--to', '2000-01-01'],
      { env, timeout: 30_000 },
    );
    await expect(bad).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage') });
  }, 60_000);
});
