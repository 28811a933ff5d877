// A process that opens a MemoryStore on argv[2], ingests the durability fixture batches and says
// "acked" once they are acknowledged, then idles until it is SIGKILLed (memory-lock.test.ts).
import { MemoryStore } from '../../../../server/store/memory.ts';
import * as F from '../fixtures.ts';

const s = new MemoryStore({ dataDir: process.argv[2]!, compactIntervalMs: 0 });
await s.open();
await s.putRoster(F.ROSTER);
await Promise.all([
  s.ingest([F.study('b-a1', 'm1', F.NOW)], F.NOW),
  s.ingest([F.meeting('b-b1', 'group', F.NOW)], F.NOW),
  s.ingest([F.points('b-a2', 'm2', F.NOW, 9)], F.NOW),
]);
process.stdout.write('acked\n');
setInterval(() => undefined, 1000);
