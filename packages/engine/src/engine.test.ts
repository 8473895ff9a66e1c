import { describe, expect, it, vi } from 'vitest';
import { ConnectionStatus, ErrorCode, EventEmitter, LogL, LogLevel, RTCMode } from './index.js';

describe('engine enums carry RongCloud values', () => {
  it('LogLevel has LOG (alias of DEBUG) and STATISTICS; LogL its negative levels', () => {
    expect([
      LogLevel.LOG,
      LogLevel.DEBUG,
      LogLevel.INFO,
      LogLevel.WARN,
      LogLevel.ERROR,
      LogLevel.FATAL,
      LogLevel.STATISTICS,
      LogLevel.NONE,
    ]).toEqual([0, 0, 1, 2, 3, 4, 6, 1000]);
    expect([LogL.STATISTICS, LogL.RECORD, LogL.FATAL, LogL.DEBUG]).toEqual([-2, -1, 0, 4]);
  });

  it('ConnectionStatus has every legacy status', () => {
    expect(ConnectionStatus.KICKED_OFFLINE_BY_OTHER_CLIENT).toBe(6);
    expect(ConnectionStatus.DOMAIN_INCORRECT).toBe(12);
    expect(ConnectionStatus.RESPONSE_NAVI_TIMEOUT).toBe(204);
    expect(Object.keys(ConnectionStatus).filter((k) => Number.isNaN(Number(k)))).toHaveLength(16);
  });

  it('ErrorCode keeps the current name in the reverse mapping where RongCloud has two', () => {
    expect(ErrorCode.RC_CONN_USER_OR_PASSWD_ERROR).toBe(31004);
    expect(ErrorCode[31004]).toBe('RC_CONN_TOKEN_INCORRECT');
    expect(ErrorCode.RC_MSG_RESP_TIMEOUT).toBe(30003);
    expect(RTCMode.CALL).toBe(5);
  });
});

describe('EventEmitter', () => {
  it('binds this to the target and removes only the registration with that target', () => {
    const emitter = new EventEmitter();
    const a = { calls: 0 };
    const b = { calls: 0 };
    function count(this: { calls: number }) {
      this.calls += 1;
    }
    emitter.on('x', count, a);
    emitter.on('x', count, b);
    emitter.off('x', count, b);
    emitter.emit('x');
    expect([a.calls, b.calls]).toEqual([1, 0]);
  });

  it('once fires one time; a throwing listener is reported and the next still runs', () => {
    const onError = vi.fn();
    const emitter = new EventEmitter(onError);
    const seen: unknown[] = [];
    emitter.on('x', () => {
      throw new Error('boom');
    });
    emitter.once('x', (value: unknown) => seen.push(value));
    emitter.emit('x', 1);
    emitter.emit('x', 2);
    expect(seen).toEqual([1]);
    expect(onError).toHaveBeenCalledTimes(2);
    emitter.clear();
    emitter.emit('x', 3);
    expect(onError).toHaveBeenCalledTimes(2);
  });
});
