import { describe, expect, it } from 'vitest';
import { ConnectionGuard, sourceKey } from './connection-guard.js';

function guard(maxPending: number, maxPendingPerSource: number) {
  const clock = { now: 1000 };
  return { clock, guard: new ConnectionGuard<string>({ maxPending, maxPendingPerSource }, () => clock.now) };
}

describe('ConnectionGuard', () => {
  it('sheds the oldest overall once the overall cap is passed; the new connection always gets in', () => {
    const { guard: g } = guard(3, 10);
    expect(g.admit('a', '10.0.0.1')).toEqual([]);
    expect(g.admit('b', '10.0.0.2')).toEqual([]);
    expect(g.admit('c', '10.0.0.3')).toEqual([]);
    expect(g.admit('d', '10.0.0.4')).toEqual(['a']);
    expect(g.admit('e', '10.0.0.5')).toEqual(['b']);
    expect(g.pendingCount).toBe(3);
  });

  it('sheds the oldest of the same source over the per-source cap, leaving other sources alone', () => {
    const { guard: g } = guard(100, 2);
    g.admit('x1', '10.0.0.1');
    g.admit('y1', '10.0.0.2');
    g.admit('x2', '10.0.0.1');
    expect(g.admit('x3', '10.0.0.1')).toEqual(['x1']);
    expect(g.pendingFrom('10.0.0.1')).toBe(2);
    expect(g.pendingFrom('10.0.0.2')).toBe(1);
    expect(g.admit('x4', '10.0.0.1')).toEqual(['x2']);
    expect(g.pendingCount).toBe(3);
  });

  it('applies the per-source cap first, then the overall one', () => {
    const { guard: g } = guard(3, 2);
    g.admit('a1', 'A');
    g.admit('b1', 'B');
    g.admit('b2', 'B');
    // b3 passes B's cap (b1 goes); then 3 pending: within the overall cap.
    expect(g.admit('b3', 'B')).toEqual(['b1']);
    // c1 passes the overall cap: the oldest overall (a1) goes.
    expect(g.admit('c1', 'C')).toEqual(['a1']);
    expect(g.pendingCount).toBe(3);
  });

  it('a promoted connection no longer counts and is never shed; removing one frees its place', () => {
    const { guard: g } = guard(2, 2);
    g.admit('ws', 'A');
    g.admit('http', 'A');
    g.promote('ws');
    expect(g.pendingCount).toBe(1);
    expect(g.admit('next', 'A')).toEqual([]);
    expect(g.admit('more', 'A')).toEqual(['http']);
    g.remove('next');
    expect(g.pendingCount).toBe(1);
    expect(g.pendingFrom('A')).toBe(1);
    // Promote / remove of an unknown or already removed connection is a no-op.
    g.remove('next');
    g.promote('ws');
    g.remove('never-seen');
    expect(g.pendingCount).toBe(1);
  });

  it('admitting the same connection twice counts it once', () => {
    const { guard: g } = guard(2, 2);
    g.admit('a', 'A');
    expect(g.admit('a', 'A')).toEqual([]);
    expect(g.pendingCount).toBe(1);
  });

  it('reports the age of the oldest pending connection on its clock', () => {
    const { clock, guard: g } = guard(10, 10);
    expect(g.oldestAgeMs()).toBe(0);
    g.admit('a', 'A');
    clock.now += 700;
    g.admit('b', 'B');
    clock.now += 300;
    expect(g.oldestAgeMs()).toBe(1000);
    g.remove('a');
    expect(g.oldestAgeMs()).toBe(300);
  });
});

describe('sourceKey', () => {
  it('keys IPv4 by address (also IPv4-mapped IPv6) and IPv6 by its /64', () => {
    expect(sourceKey('127.0.0.2')).toBe('127.0.0.2');
    expect(sourceKey('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(sourceKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:DB8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:0db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceKey('::1')).toBe('0:0:0:0::/64');
    expect(sourceKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(sourceKey(undefined)).toBe('unknown');
  });
});
