// The read side over a store under test: snapshots are built by server/aggregate/views.ts
// from the store's roll-up input, as the server does.
import { Views } from '../../../server/aggregate/views.ts';
import type { Store, StoreOptions } from '../../../server/store/types.ts';

const cache = new WeakMap<Store, Views>();

export function viewsOf(store: Store): Views {
  let v = cache.get(store);
  if (!v) cache.set(store, (v = new Views(store, (store as Store & { opts: StoreOptions }).opts)));
  return v;
}
