// The load of bench:overload, in its own process (its event loop must not delay the parent's
// /healthz probes). Args: url token batchSize mode(closed|open) rate seconds. `closed`: 8
// senders back to back (the sustainable rate); `open`: `rate` requests a second whatever the
// earlier ones' fate (senders that do not slow down for a slow server). Sends its answers
// ({status, ms}[]) to the parent over IPC, then exits.
import { Agent, request } from 'node:http';
import { buildBatches } from './batches.ts';

export interface SenderResult {
  answers: [status: number, ms: number][];
  sent: number;
  notSent: number;
}

const [url, token, batchArg, mode, rateArg, secondsArg] = process.argv.slice(2);
const batch = Number(batchArg);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const CLOSED_SENDERS = 8;
/** more requests than this open at once are counted, not sent (the client's own limit) */
const MAX_OPEN = 2000;

const { templates } = buildBatches({ count: 40, size: batch });
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
let seq = 0;
const nextBody = (): string => templates[seq % templates.length]!.parts.join(`o${process.pid}-${seq++}-`);

async function post(body: string): Promise<[number, number]> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = request(
      `${url}/api/v1/events`,
      {
        method: 'POST',
        agent,
        timeout: 120_000,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve([res.statusCode ?? 0, performance.now() - t0]));
        res.on('error', () => resolve([0, performance.now() - t0]));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve([0, performance.now() - t0]));
    req.end(body);
  });
}

async function main(): Promise<SenderResult> {
  const answers: [number, number][] = [];
  const end = performance.now() + seconds * 1000;
  if (mode === 'closed') {
    await Promise.all(
      Array.from({ length: CLOSED_SENDERS }, async () => {
        while (performance.now() < end) answers.push(await post(nextBody()));
      }),
    );
    return { answers, sent: answers.length, notSent: 0 };
  }
  const pending: Promise<void>[] = [];
  let open = 0;
  let sent = 0;
  let notSent = 0;
  const start = performance.now();
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; sent + notSent < due;) {
      if (open >= MAX_OPEN) {
        notSent++;
        continue;
      }
      open++;
      sent++;
      pending.push(
        post(nextBody()).then((a) => {
          open--;
          answers.push(a);
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(pending);
  return { answers, sent, notSent };
}

main().then(
  (r) => {
    agent.destroy();
    process.send?.(r, () => process.exit(0));
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
