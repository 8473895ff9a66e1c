import { encodeFrame, type ServerEvent } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { DeviceStream, type FrameSink, MAX_UNACKED_EVENTS } from './device-stream.js';

function sink(): FrameSink & { texts: string[] } {
  const texts: string[] = [];
  return { id: 's', texts, sendText: (text) => texts.push(text), close: () => {} };
}

const ringing: ServerEvent = { type: 'call.ringing', callId: 'c1', userId: 'bob', user: { name: 'Bob' } };

describe('DeviceStream', () => {
  it('sends exactly what encodeFrame gives for the numbered event', () => {
    const stream = new DeviceStream('app', 'alice', 'd1', 0);
    const out = sink();
    stream.attach(out);
    stream.sendEvent(ringing);
    stream.sendEvent({ type: 'call.ended', callId: 'c1', reason: 1, beginTime: 0, endTime: 5 });
    expect(out.texts).toEqual([
      encodeFrame({ t: 'evt', seq: 1, evt: ringing }),
      encodeFrame({ t: 'evt', seq: 2, evt: { type: 'call.ended', callId: 'c1', reason: 1, beginTime: 0, endTime: 5 } }),
    ]);
  });

  it('numbers one shared event object per stream', () => {
    const a = new DeviceStream('app', 'alice', 'd1', 0);
    const b = new DeviceStream('app', 'bob', 'd2', 0);
    const outA = sink();
    const outB = sink();
    a.attach(outA);
    b.attach(outB);
    b.sendEvent({ type: 'call.ringing', callId: 'c0', userId: 'x' });
    a.sendEvent(ringing);
    b.sendEvent(ringing);
    expect(outA.texts).toEqual([encodeFrame({ t: 'evt', seq: 1, evt: ringing })]);
    expect(outB.texts[1]).toBe(encodeFrame({ t: 'evt', seq: 2, evt: ringing }));
  });

  it('replays the kept texts after lastSeq on resume', () => {
    const stream = new DeviceStream('app', 'alice', 'd1', 0);
    const first = sink();
    stream.attach(first);
    stream.sendEvent(ringing);
    stream.sendEvent({ type: 'call.ringing', callId: 'c2', userId: 'carol' });
    stream.detach(first, 1);
    const second = sink();
    stream.attach(second, 1);
    expect(second.texts).toEqual([first.texts[1]]);
  });

  it('tells each receipt once: acked by an ack (or a resume past it), lost when the stream ends first', () => {
    const stream = new DeviceStream('app', 'alice', 'd1', 0);
    const fates: string[] = [];
    const receipt = (name: string) => ({ acked: () => fates.push(`${name} acked`), lost: () => fates.push(`${name} lost`) });
    const first = sink();
    stream.attach(first);
    stream.sendEvent(ringing, receipt('e1'));
    stream.sendEvent(ringing);
    stream.sendEvent(ringing, receipt('e3'));
    stream.sendEvent(ringing, receipt('e4'));
    stream.ack(1);
    stream.detach(first, 1);
    stream.attach(sink(), 3);
    expect(fates).toEqual(['e1 acked', 'e3 acked']);
    stream.end();
    stream.end();
    stream.ack(4);
    expect(fates).toEqual(['e1 acked', 'e3 acked', 'e4 lost']);
    stream.sendEvent(ringing, receipt('e5'));
    expect(fates).toEqual(['e1 acked', 'e3 acked', 'e4 lost', 'e5 lost']);
  });

  it('close ends the stream; an event pushed out of the kept window is lost', () => {
    const fates: string[] = [];
    const closed = new DeviceStream('app', 'alice', 'd1', 0);
    closed.attach(sink());
    closed.sendEvent(ringing, { acked: () => fates.push('acked'), lost: () => fates.push('closed') });
    closed.close(31010, 'kicked');
    const full = new DeviceStream('app', 'alice', 'd2', 0);
    full.sendEvent(ringing, { acked: () => fates.push('acked'), lost: () => fates.push('dropped') });
    for (let i = 0; i < MAX_UNACKED_EVENTS; i += 1) full.sendEvent(ringing);
    expect(fates).toEqual(['closed', 'dropped']);
  });
});
