// Tokens never go to the audit log: their id does.
import { createHash } from 'node:crypto';

/** A token's id in the audit: the first 12 hex digits of its SHA-256. */
export const tokenId = (token: string): string => createHash('sha256').update(token).digest('hex').slice(0, 12);

/** The actor of a request: the presented token's id, `anonymous` when that side's auth is off,
 * `none` when no token was presented. */
export function actorOf(token: string | undefined, authOn: boolean): string {
  if (!authOn) return 'anonymous';
  return token === undefined || token === '' ? 'none' : tokenId(token);
}
