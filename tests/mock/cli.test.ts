import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildRoster } from '../../mock/roster.ts';
import { tsOf } from '../../mock/stream.ts';
import type { IngestEvent } from '../../server/contract/events.ts';
import { SIMULATED_NOWS } from './fixtures.ts';

const run = promisify(execFile);
const iso8601 = (ms: number) => new Date(ms).toISOString();
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'mock/cli.ts', ...args], { maxBuffer: 64 << 20 });

describe('mock CLI', () => {
  it('prints the roster as a JSON array', async () => {
    const { stdout } = await cli('roster', '--region', '610113');
    expect(JSON.parse(stdout)).toEqual(buildRoster('610113'));
  });

  it('prints exactly N events as NDJSON, the same bytes for the same seed and start', async () => {
    const args = [
      'events',
      '--region',
      '610113',
      '--seed',
      '7',
      '--count',
      '3000',
      '--start',
      '2026-10-13T08:00:00+08:00',
      '--history-days',
      '1',
    ];
    const [a, b] = await Promise.all([cli(...args), cli(...args)]);
    expect(a.stdout).toBe(b.stdout);
    const lines = a.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(3000);
    const types = new Set(lines.map((l) => (JSON.parse(l) as IngestEvent).type));
    expect(types.has('meeting.held') && types.has('member.active')).toBe(true);
  });

  const NOWS = SIMULATED_NOWS.slice(0, 3);
  it.each(NOWS)('without --start ends before the hour of --now %s, the same bytes a second later', async (iso) => {
    const nowMs = Date.parse(iso);
    const args = (at: number) => ['events', '--region', '610113', '--count', '5000', '--now', iso8601(at)];
    const [a, b] = await Promise.all([cli(...args(nowMs)), cli(...args(nowMs + 1000))]);
    expect(b.stdout).toBe(a.stdout);
    const ts = a.stdout
      .trimEnd()
      .split('\n')
      .map((l) => tsOf(JSON.parse(l) as IngestEvent));
    expect(ts.length).toBe(5000);
    expect(Math.max(...ts)).toBeLessThanOrEqual(nowMs);
    expect(Math.min(...ts)).toBeGreaterThan(nowMs - 30 * 86_400_000);
  });

  it('without --start or --now ends before the clock', async () => {
    const { stdout } = await cli('events', '--region', '610113', '--count', '2000');
    const ts = stdout
      .trimEnd()
      .split('\n')
      .map((l) => tsOf(JSON.parse(l) as IngestEvent));
    expect(Math.max(...ts)).toBeLessThanOrEqual(Date.now());
  });

  it('fails with a clear message on a bad region', async () => {
    const err = (await cli('roster', '--region', '110105').catch((e: unknown) => e)) as {
      code: number;
      stderr: string;
    };
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/陕西/);
  });
});
