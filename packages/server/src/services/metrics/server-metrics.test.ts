/**
 * The metrics of real call transitions: the CallService (real registry, real storage in memory,
 * requests routed as the WebSocket transport routes them) feeds the call metrics, and the registry's
 * text is read back through an independent Prometheus text-format parser.
 */
import { ConversationType, RCCallEndReason, RCCallMediaType } from '@opencall/protocol';
import Fastify from 'fastify';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bearerMatches, openMetricsWarning, registerMetricsRoute } from '../../transport/http/metrics-route.js';
import { FrameTally } from '../../transport/ws/frame-tally.js';
import { type CallServiceHarness, createCallServiceHarness, type FakeDevice, RING_TIMEOUT_MS } from '../call/call-service.test-support.js';
import { SecurityCounters } from '../security/security-counters.js';
import { histogramCount, parseMetrics, sampleValue } from './prometheus-text.test-support.js';
import { ringOutcomeOfLeave } from './ring-outcome.js';
import { createServerMetrics, type ServerMetrics } from './server-metrics.js';

let clock = 1_000_000;
let harness: CallServiceHarness;
let metrics: ServerMetrics;
let security: SecurityCounters;
let sfuUp = true;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  clock = 1_000_000;
  sfuUp = true;
  security = new SecurityCounters();
  metrics = createServerMetrics(
    {
      connections: () => harness.registry.localStreams().filter((s) => s.attached).length,
      activeCalls: () => harness.service.activeCallCount(),
      sfu: { mode: 'local', available: () => sfuUp },
      security,
    },
    pino({ level: 'silent' }),
  );
  harness = await createCallServiceHarness(() => clock, { lifecycle: metrics.calls });
});

afterEach(async () => {
  await harness.close();
  vi.useRealTimers();
});

const scrape = async () => parseMetrics(await metrics.registry.metrics());

function invite(from: FakeDevice, callId: string, calleeId: string) {
  return harness.send(from, {
    t: 'call.invite',
    callId,
    conversationType: ConversationType.PRIVATE,
    targetId: calleeId,
    mediaType: RCCallMediaType.AUDIO,
    userIds: [calleeId],
  });
}

describe('ring outcomes by the leaver’s reason', () => {
  it.each([
    [RCCallEndReason.REJECT, 'rejected'],
    [RCCallEndReason.NO_RESPONSE, 'timeout'],
    [RCCallEndReason.REMOTE_CANCEL, 'cancelled'],
    [RCCallEndReason.BUSY_LINE, 'busy'],
    [RCCallEndReason.OTHER_CLIENT_IN_CALL, 'busy'],
    [RCCallEndReason.KICKED_BY_SERVER, 'other'],
  ])('%s → %s', (reason, outcome) => {
    expect(ringOutcomeOfLeave(reason)).toBe(outcome);
  });
});

describe('server metrics fed by the call service', () => {
  it('an answered call: gauges while it runs, then outcome, ring outcome and setup histograms', async () => {
    const alice = harness.connect('alice');
    const bob = harness.connect('bob');
    await invite(alice, 'call-1', 'bob');
    clock += 300;
    await harness.send(bob, { t: 'call.ringing', callId: 'call-1' });
    clock += 2_000;
    await harness.send(bob, { t: 'call.accept', callId: 'call-1' });
    clock += 700;
    await harness.send(bob, { t: 'rtc.join', roomId: 'call-1' });

    const during = await scrape();
    expect(sampleValue(during, 'opencall_active_calls')).toBe(1);
    expect(sampleValue(during, 'opencall_connections')).toBe(2);
    expect(sampleValue(during, 'opencall_ring_outcomes_total', { outcome: 'answered' })).toBe(1);
    expect(histogramCount(during, 'opencall_call_invite_to_ringing_seconds')).toBe(1);
    expect(Number(during.get('opencall_call_invite_to_ringing_seconds')?.metrics[0]?.sum)).toBeCloseTo(0.3, 6);
    expect(Number(during.get('opencall_call_accept_to_connected_seconds')?.metrics[0]?.sum)).toBeCloseTo(0.7, 6);

    clock += 5_000;
    await harness.send(alice, { t: 'call.hangup', callId: 'call-1' });
    const after = await scrape();
    expect(sampleValue(after, 'opencall_active_calls')).toBe(0);
    expect(sampleValue(after, 'opencall_calls_ended_total', { reason: 'HANGUP', connected: 'yes' })).toBe(1);
    expect(Number(after.get('opencall_call_duration_seconds')?.metrics[0]?.sum)).toBeCloseTo(5.7, 6);
    expect(after.get('opencall_calls_ended_total')?.type).toBe('COUNTER');
  });

  it('rejected, cancelled, timed out and busy invitees each count once', async () => {
    const alice = harness.connect('alice');
    const bob = harness.connect('bob');
    const carol = harness.connect('carol');
    await invite(alice, 'call-r', 'bob');
    await harness.send(bob, { t: 'call.hangup', callId: 'call-r' });
    await invite(alice, 'call-c', 'bob');
    await harness.send(alice, { t: 'call.hangup', callId: 'call-c' });
    await invite(alice, 'call-t', 'bob');
    // carol calls bob, who is ringing for alice's call: busy.
    await invite(carol, 'call-b', 'bob');
    clock += RING_TIMEOUT_MS;
    vi.advanceTimersByTime(RING_TIMEOUT_MS);

    const text = await scrape();
    const outcome = (name: string) => sampleValue(text, 'opencall_ring_outcomes_total', { outcome: name });
    expect([outcome('answered'), outcome('rejected'), outcome('cancelled'), outcome('timeout'), outcome('busy')]).toEqual([0, 1, 1, 1, 1]);
    expect(sampleValue(text, 'opencall_calls_ended_total', { reason: 'REMOTE_REJECT', connected: 'no' })).toBe(1);
    expect(sampleValue(text, 'opencall_calls_ended_total', { reason: 'CANCEL', connected: 'no' })).toBe(1);
    expect(sampleValue(text, 'opencall_calls_ended_total', { reason: 'REMOTE_NO_RESPONSE', connected: 'no' })).toBe(1);
    expect(sampleValue(text, 'opencall_calls_ended_total', { reason: 'REMOTE_BUSY_LINE', connected: 'no' })).toBe(1);
    expect(histogramCount(text, 'opencall_call_duration_seconds')).toBe(0);
  });

  it('exports Janus health, refused authentications and the Node.js defaults (event-loop lag)', async () => {
    security.increment('api_signature_refused', 'signature_mismatch');
    security.increment('api_signature_refused', 'signature_mismatch');
    security.increment('ws_hello_refused', 'token_expired');
    let text = await scrape();
    expect(sampleValue(text, 'opencall_janus_up', { mode: 'local' })).toBe(1);
    expect(sampleValue(text, 'opencall_security_events_total', { event: 'api_signature_refused', reason: 'signature_mismatch' })).toBe(2);
    expect(sampleValue(text, 'opencall_security_events_total', { event: 'ws_hello_refused', reason: 'token_expired' })).toBe(1);
    expect(text.has('nodejs_eventloop_lag_seconds')).toBe(true);
    expect(text.has('process_cpu_user_seconds_total')).toBe(true);
    sfuUp = false;
    text = await scrape();
    expect(sampleValue(text, 'opencall_janus_up', { mode: 'local' })).toBe(0);
  });
});

describe('GET /metrics', () => {
  it('is open without a token', async () => {
    const http = Fastify();
    registerMetricsRoute(http, { registry: metrics.registry, token: undefined });
    const reply = await http.inject({ method: 'GET', url: '/metrics' });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toContain('text/plain');
    expect(parseMetrics(reply.body).has('opencall_active_calls')).toBe(true);
    await http.close();
  });

  it('with a token: 401 without it or with another, 200 with `Bearer <token>`', async () => {
    const http = Fastify();
    registerMetricsRoute(http, { registry: metrics.registry, token: 'scrape-secret' });
    const get = (authorization?: string) =>
      http.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
    for (const header of [undefined, 'Bearer wrong', 'Basic c2NyYXBlLXNlY3JldA==', 'scrape-secret', 'Bearer scrape-secret-2']) {
      const reply = await get(header);
      expect(reply.statusCode, String(header)).toBe(401);
      expect(reply.headers['www-authenticate']).toContain('Bearer');
      expect(reply.body).not.toContain('opencall_');
    }
    expect((await get('Bearer scrape-secret')).statusCode).toBe(200);
    expect((await get('bearer scrape-secret')).statusCode).toBe(200);
    await http.close();
  });

  it('warns at start-up when it is open on a non-loopback address', () => {
    expect(openMetricsWarning('0.0.0.0', undefined)).toContain('OPENCALL_METRICS_TOKEN');
    expect(openMetricsWarning('10.1.2.3', undefined)).toContain('10.1.2.3');
    expect(openMetricsWarning('0.0.0.0', 'token')).toBeUndefined();
    expect(openMetricsWarning('127.0.0.1', undefined)).toBeUndefined();
    expect(openMetricsWarning('::1', undefined)).toBeUndefined();
  });

  it('bearerMatches compares the whole token', () => {
    expect(bearerMatches('Bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('Bearer abcd', 'abc')).toBe(false);
    expect(bearerMatches('Bearer ab', 'abc')).toBe(false);
    expect(bearerMatches(undefined, 'abc')).toBe(false);
  });
});

describe('WebSocket frame counters', () => {
  it('report the tally at each scrape: received by type, sent in total', async () => {
    const frames = new FrameTally();
    const withFrames = createServerMetrics(
      { connections: () => 0, activeCalls: () => 0, sfu: { mode: 'off', available: () => false }, security, frames },
      pino({ level: 'silent' }),
    );
    for (const t of ['call.invite', 'ack', 'ack']) frames.received(t);
    frames.sent();
    let scraped = parseMetrics(await withFrames.registry.metrics());
    expect(sampleValue(scraped, 'opencall_ws_frames_received_total', { type: 'ack' })).toBe(2);
    expect(sampleValue(scraped, 'opencall_ws_frames_received_total', { type: 'call.invite' })).toBe(1);
    expect(sampleValue(scraped, 'opencall_ws_frames_sent_total')).toBe(1);
    frames.received('ack');
    frames.sent();
    scraped = parseMetrics(await withFrames.registry.metrics());
    expect(sampleValue(scraped, 'opencall_ws_frames_received_total', { type: 'ack' })).toBe(3);
    expect(sampleValue(scraped, 'opencall_ws_frames_sent_total')).toBe(2);
  });
});
