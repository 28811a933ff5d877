import { describe, expect, it } from 'vitest';
import { ANY_REGION, checkJoin } from '../../../server/push/scope.ts';

const tokens = new Map([
  ['city', '610100'],
  ['yanta', '610113'],
]);
const scopeOf = (t: string | undefined) => (t === undefined ? null : (tokens.get(t) ?? null));

describe('checkJoin', () => {
  it.each([
    ['city token, city', { region: '610100', token: 'city' }, true, undefined],
    ['city token, county below', { region: '610113', token: 'city' }, true, undefined],
    ['city token, village below', { region: '610113001001', token: 'city' }, true, undefined],
    ['county token, own county', { region: '610113', token: 'yanta' }, true, undefined],
    ['county token, its city', { region: '610100', token: 'yanta' }, false, 'out_of_scope'],
    ['county token, sibling', { region: '610112', token: 'yanta' }, false, 'out_of_scope'],
    ['city token, other city', { region: '610200', token: 'city' }, false, 'out_of_scope'],
    ['bad token', { region: '610100', token: 'nope' }, false, 'unauthorized'],
    ['no token', { region: '610100' }, false, 'unauthorized'],
    ['no region', { token: 'city' }, false, 'bad_request'],
    ['malformed region', { region: '6101', token: 'city' }, false, 'bad_request'],
    ['no auth at all', undefined, false, 'bad_request'],
  ])('%s', (_name, auth, ok, reason) => {
    const r = checkJoin(auth, scopeOf);
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.error.reason).toBe(reason);
  });

  it('auth off: any well-formed region', () => {
    expect(checkJoin({ region: '610200' }, () => ANY_REGION)).toEqual({ ok: true, region: '610200' });
  });
});
