// RedisStore key layout. Every key starts with `{prefix}:` — the braces are a Redis Cluster
// hash tag, so one deployment's keys share one slot and the ingest script may touch any of
// them atomically (see README: slot strategy).

export const keyBase = (prefix: string): string => `{${prefix}}:`;

export const K = {
  ver: 'ver', // INCR per accepted batch and roster change
  rosterVersion: 'rv',
  roster: 'roster', // JSON of the organization tree
  meta: 'meta', // hash: section → change counter (d:<day>, m:<month>, q:<quarter>, tx, fl, on, tk), n → accepted events
  day: (d: string) => `d:${d}`, // hash `${org}|${slot}` → count (slots: aggregate/slots.ts)
  month: (m: string) => `m:${m}`,
  quarter: (q: string) => `q:${q}`,
  dayLearners: (d: string) => `ld:${d}`, // set of members
  monthLearners: (m: string) => `lm:${m}`,
  transfers: 'tx', // hash case → org␟dest␟stageIndex␟ts␟openedTs
  floating: 'fl', // hash member → org␟ts␟cell
  online: 'on', // zset `${org}␟${member}` → latest ts
  onlineOrg: 'ono', // hash member → org of its online entry
  ticker: 'tk', // list of ticker item JSON, newest first
  stream: 'x', // stream of raw (masked) events, last replayHours
  dedupe: (gen: number, bucket: number) => `dd:${gen}:${bucket}`, // set of id hashes as signed 64-bit integers (intset); `dd:<gen>:fmt` = set (older generations: hash 8-byte id hash → '')
} as const;

export const SEP = '\x1f';
