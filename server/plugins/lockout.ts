// Failed-auth lockout per remote address (pure; the clock is injected). After `limit` failed
// token checks within `windowMs`, the address is refused for `lockoutMs` — even with the right
// token, so guessing stops paying. A success clears the address's failures. At most
// `maxAddresses` are tracked (the oldest are forgotten first): a spray of addresses costs
// bounded memory.
export interface LockoutOptions {
  limit: number;
  windowMs: number;
  lockoutMs: number;
  now?: () => number;
  maxAddresses?: number;
}

interface Entry {
  /** times of the failures within the window, oldest first */
  fails: number[];
  lockedUntil: number;
}

const MAX_ADDRESSES = 100_000;

export class Lockout {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly maxAddresses: number;

  constructor(private readonly opts: LockoutOptions) {
    this.now = opts.now ?? Date.now;
    this.maxAddresses = opts.maxAddresses ?? MAX_ADDRESSES;
  }

  get enabled(): boolean {
    return this.opts.limit > 0;
  }

  /** ms left of the address's lockout; 0 when it is not locked out */
  lockedForMs(address: string): number {
    const e = this.entries.get(address);
    if (!e) return 0;
    const left = e.lockedUntil - this.now();
    return left > 0 ? left : 0;
  }

  /** Records a failed check; true when the address is now locked out. */
  fail(address: string): boolean {
    if (!this.enabled) return false;
    const t = this.now();
    let e = this.entries.get(address);
    if (e)
      this.entries.delete(address); // re-inserted last: the map stays oldest-first
    else e = { fails: [], lockedUntil: 0 };
    const from = t - this.opts.windowMs;
    e.fails = e.fails.filter((f) => f > from);
    e.fails.push(t);
    if (e.fails.length >= this.opts.limit) {
      e.lockedUntil = t + this.opts.lockoutMs;
      e.fails = [];
    }
    this.entries.set(address, e);
    while (this.entries.size > this.maxAddresses) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return e.lockedUntil > t;
  }

  succeed(address: string): void {
    const e = this.entries.get(address);
    if (e && e.lockedUntil <= this.now()) this.entries.delete(address);
  }

  get size(): number {
    return this.entries.size;
  }
}
