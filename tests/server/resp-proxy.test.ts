import { describe, expect, it } from 'vitest';
import { RespCommandCounter } from '../../tests/bench/lib/resp-proxy.ts';

const cmd = (...args: string[]) =>
  `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

describe('RespCommandCounter (bench:ingest round-trip counting)', () => {
  it.each([
    ['one command', [cmd('PING')], 1],
    ['a pipeline in one chunk', [cmd('SET', 'a', '1') + cmd('INCR', 'a') + cmd('GET', 'a')], 3],
    ['bulk data containing CRLF and *', [cmd('EVALSHA', 'abc', '1', 'k', 'x\r\n*3\r\n$1\r\n')], 1],
    ['split inside a header', ['*2\r\n$3\r', '\nGET\r\n$1\r\na\r\n'], 1],
    [
      'split inside bulk data',
      [cmd('SET', 'k', 'v'.repeat(100)).slice(0, 30), cmd('SET', 'k', 'v'.repeat(100)).slice(30) + cmd('PING')],
      2,
    ],
  ])('%s', (_n, chunks, expected) => {
    const c = new RespCommandCounter();
    for (const ch of chunks) c.push(Buffer.from(ch, 'latin1'));
    expect(c.commands).toBe(expected);
  });
});
