/**
 * Caps the TCP connections that have not authenticated yet, overall and per source, shedding the
 * oldest first so that a new connection always gets in (README "Connection limits").
 *
 * Every connection is pending from `admit` until it is `promote`d (a WebSocket whose hello
 * succeeded) or `remove`d (closed). A plain HTTP connection stays pending until it closes.
 */

export interface ConnectionGuardLimits {
  /** Pending connections at once, all sources together. */
  maxPending: number;
  /** Pending connections at once from one source (an IPv4 address or an IPv6 /64). */
  maxPendingPerSource: number;
}

interface Pending {
  source: string;
  since: number;
}

/** The source a connection counts against: the IPv4 address (also when IPv4-mapped), or the IPv6 /64. */
export function sourceKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const bare = address.split('%')[0]!.toLowerCase();
  if (bare.startsWith('::ffff:') && bare.includes('.')) return bare.slice('::ffff:'.length);
  if (!bare.includes(':')) return bare;
  const [head, tail] = bare.split('::') as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  // A dotted IPv4 tail fills the last two groups.
  const width = (list: string[]) => list.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const left = groups(head);
  const right = groups(tail);
  const full = tail === undefined ? left : [...left, ...new Array<string>(Math.max(0, 8 - width(left) - width(right))).fill('0'), ...right];
  const prefix = full.slice(0, 4).map((g) => (g.includes('.') ? g : Number.parseInt(g || '0', 16).toString(16)));
  return `${prefix.join(':')}::/64`;
}

/** Pure bookkeeping over connection handles `C`; the caller destroys what `admit` returns. */
export class ConnectionGuard<C> {
  /** Insertion order is age order: the first entry is the oldest. */
  private readonly pending = new Map<C, Pending>();
  private readonly bySource = new Map<string, Set<C>>();

  constructor(
    private readonly limits: ConnectionGuardLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Pending connections now. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Pending connections now from the source of `address`. */
  pendingFrom(address: string | undefined): number {
    return this.bySource.get(sourceKey(address))?.size ?? 0;
  }

  /** Age in ms of the oldest pending connection (0 when none). */
  oldestAgeMs(): number {
    const oldest = this.pending.values().next();
    return oldest.done ? 0 : this.now() - oldest.value.since;
  }

  /**
   * A new connection from `address` is pending. Returns the connections to shed so the caps hold:
   * first the oldest of the same source over the per-source cap, then the oldest overall.
   */
  admit(connection: C, address: string | undefined): C[] {
    if (this.pending.has(connection)) return [];
    const source = sourceKey(address);
    this.pending.set(connection, { source, since: this.now() });
    let sameSource = this.bySource.get(source);
    if (!sameSource) {
      sameSource = new Set();
      this.bySource.set(source, sameSource);
    }
    sameSource.add(connection);
    const shed: C[] = [];
    while (sameSource.size > this.limits.maxPendingPerSource) shed.push(this.take(sameSource.values().next().value as C));
    while (this.pending.size > this.limits.maxPending) shed.push(this.take(this.pending.keys().next().value as C));
    return shed;
  }

  /** The connection authenticated: it no longer counts and is never shed. */
  promote(connection: C): void {
    this.take(connection);
  }

  /** The connection closed. */
  remove(connection: C): void {
    this.take(connection);
  }

  private take(connection: C): C {
    const entry = this.pending.get(connection);
    if (!entry) return connection;
    this.pending.delete(connection);
    const sameSource = this.bySource.get(entry.source);
    sameSource?.delete(connection);
    if (sameSource?.size === 0) this.bySource.delete(entry.source);
    return connection;
  }
}
