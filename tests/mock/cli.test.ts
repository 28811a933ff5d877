import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildRoster } from '../../mock/roster.ts';
import { tsOf } from '../../mock/stream.ts';
import type { IngestEvent } from '../../server/contract/events.ts';

const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'mock/cli.ts', ...args], { maxBuffer: 64 << 20 });

describe('mock CLI', () => {
  it('prints the roster as a JSON array', async () => {
    const { stdout } = await cli('roster', '--region', '610113');
    expect(JSON.parse(stdout)).toEqual(buildRoster('610113'));
  });

  it('prints exactly N events as NDJSON, the same bytes for the same seed and start', async () => {
    const args = ['events', '--region', '610113', '--seed', '7', '--count', '3000', '--start', '2026-10-13T08:00:00+08:00', '--history-days', '1'];
    const [a, b] = await Promise.all([cli(...args), cli(...args)]);
    expect(a.stdout).toBe(b.stdout);
    const lines = a.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(3000);
    const types = new Set(lines.map((l) => (JSON.parse(l) as IngestEvent).type));
    expect(types.has('meeting.held') && types.has('member.active')).toBe(true);
  });

  it('without --start ends about now, inside the retention', async () => {
    const before = Date.now();
    const { stdout } = await cli('events', '--region', '610113', '--count', '20000');
    const ts = stdout.trimEnd().split('\n').map((l) => tsOf(JSON.parse(l) as IngestEvent));
    expect(Math.max(...ts)).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    expect(Math.min(...ts)).toBeGreaterThan(before - 30 * 86_400_000);
  });

  it('fails with a clear message on a bad region', async () => {
    const err = (await cli('roster', '--region', '110105').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/陕西/);
  });
});
