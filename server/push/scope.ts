// Which region a wall may join. Pure: the token lookup is passed in.
import { containsCode, isRegionCode } from '../../geo/codes.ts';
import type { ScreenError } from '../contract/index.ts';

export const ANY_REGION = '*';

export type JoinCheck = { ok: true; region: string } | { ok: false; error: ScreenError };

/** `scope` is the token's region ('*' when screen auth is off), null for a bad token. */
export function checkJoin(auth: unknown, scopeOf: (token: string | undefined) => string | null): JoinCheck {
  const a = (auth ?? {}) as { region?: unknown; token?: unknown };
  if (typeof a.region !== 'string' || !isRegionCode(a.region)) {
    return {
      ok: false,
      error: { reason: 'bad_request', message: 'handshake auth.region must be a region code such as 610100' },
    };
  }
  const scope = scopeOf(typeof a.token === 'string' ? a.token : undefined);
  if (scope === null)
    return { ok: false, error: { reason: 'unauthorized', message: 'missing or invalid screen token' } };
  if (scope !== ANY_REGION && !containsCode(scope, a.region)) {
    return {
      ok: false,
      error: {
        reason: 'out_of_scope',
        message: `this token may show ${scope} and the regions below it, not ${a.region}`,
      },
    };
  }
  return { ok: true, region: a.region };
}
