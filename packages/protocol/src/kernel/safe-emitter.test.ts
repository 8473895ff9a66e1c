import { describe, expect, it, vi } from 'vitest';
import { SafeEmitter } from './safe-emitter.js';

type Events = { ping: [n: number]; done: [] };

class Owner extends SafeEmitter<Events> {
  useHandler(handler: (event: string, error: unknown) => void): void {
    this.setListenerErrorHandler(handler);
  }
}

describe('SafeEmitter', () => {
  it('calls listeners in subscription order and unsubscribes through the returned function', () => {
    const emitter = new SafeEmitter<Events>(() => {});
    const seen: string[] = [];
    const off = emitter.on('ping', (n) => seen.push(`a${n}`));
    emitter.on('ping', (n) => seen.push(`b${n}`));
    emitter.emit('ping', 1);
    off();
    emitter.emit('ping', 2);
    expect(seen).toEqual(['a1', 'b1', 'b2']);
  });

  it('reports a throwing listener to the handler and still calls the others', () => {
    const errors: [string, unknown][] = [];
    const emitter = new SafeEmitter<Events>((event, error) => errors.push([event, error]));
    const boom = new Error('boom');
    const after = vi.fn();
    emitter.on('ping', () => {
      throw boom;
    });
    emitter.on('ping', after);
    expect(() => emitter.emit('ping', 1)).not.toThrow();
    expect(after).toHaveBeenCalledWith(1);
    expect(errors).toEqual([['ping', boom]]);
  });

  it('logs to the console by default: never silent', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const emitter = new SafeEmitter<Events>();
      emitter.on('done', () => {
        throw new Error('x');
      });
      emitter.emit('done');
      expect(spy).toHaveBeenCalledWith('[OpenCall] listener of "done" threw', expect.any(Error));
    } finally {
      spy.mockRestore();
    }
  });

  it('survives a throwing error handler', () => {
    const emitter = new SafeEmitter<Events>(() => {
      throw new Error('handler');
    });
    const after = vi.fn();
    emitter.on('done', () => {
      throw new Error('listener');
    });
    emitter.on('done', after);
    expect(() => emitter.emit('done')).not.toThrow();
    expect(after).toHaveBeenCalledOnce();
  });

  it('once fires one time; removeAll and clear drop listeners; the handler can be replaced', () => {
    const errors: string[] = [];
    const owner = new Owner(() => errors.push('first'));
    owner.useHandler((event) => errors.push(`second ${event}`));
    const once = vi.fn();
    owner.once('ping', once);
    owner.emit('ping', 1);
    owner.emit('ping', 2);
    expect(once).toHaveBeenCalledExactlyOnceWith(1);
    const kept = vi.fn();
    owner.on('ping', () => {
      throw new Error('x');
    });
    owner.on('done', kept);
    owner.removeAll('ping');
    owner.emit('ping', 3);
    owner.emit('done');
    expect(kept).toHaveBeenCalledOnce();
    owner.on('ping', () => {
      throw new Error('y');
    });
    owner.emit('ping', 4);
    expect(errors).toEqual(['second ping']);
    owner.clear();
    owner.emit('done');
    expect(kept).toHaveBeenCalledOnce();
  });
});
