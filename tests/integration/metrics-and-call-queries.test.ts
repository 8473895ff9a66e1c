/**
 * `/metrics` and the signed read API (`/call/*.json`) on the real server process, after real calls
 * between headless CallLib clients (real IMLib over real WebSockets, fake media transport): the
 * metrics parse with an independent text-format parser and move with the calls; the calls are found
 * by the read API with their participants and reasons.
 */
import { RCCallEndReason, RCCallErrorCode, RCCallMediaType } from '@opencall/call';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  histogramCount,
  type ParsedMetrics,
  parseMetrics,
  sampleValue,
} from '../../packages/server/src/services/metrics/prometheus-text.test-support.js';
import { placeAnsweredCall, remoteTrackReady } from '../helpers/call-steps.js';
import { connectHeadless, type HeadlessClient } from '../helpers/headless-client.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

const METRICS_TOKEN = 'integration-metrics-token';
let server: ServerProcess;
const clients: HeadlessClient[] = [];

async function user(userId: string): Promise<HeadlessClient> {
  const client = await connectHeadless(server.url, server.appKey, userId, await server.getToken(userId), `${userId}-dev`);
  clients.push(client);
  return client;
}

async function scrape(): Promise<ParsedMetrics> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  return parseMetrics(await response.text());
}

/** Scrapes until `ready` holds (the end of a call is counted right after the last event is sent). */
async function scrapeUntil(ready: (metrics: ParsedMetrics) => boolean, timeoutMs = 5_000): Promise<ParsedMetrics> {
  const deadline = Date.now() + timeoutMs;
  let metrics = await scrape();
  while (!ready(metrics) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    metrics = await scrape();
  }
  return metrics;
}

beforeAll(async () => {
  server = await startServerProcess({ env: { OPENCALL_METRICS_TOKEN: METRICS_TOKEN, OPENCALL_RING_TIMEOUT_MS: '1500' } });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  await server?.stop();
});

describe('/metrics on the real server', () => {
  it('refuses a scrape without the token or with another one', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('moves with an answered call and a rejected one, and counts a refused signature', async () => {
    const before = await scrape();
    const alice = await user('metrics-alice');
    const bob = await user('metrics-bob');
    const carol = await user('metrics-carol');

    const { callId, callerSession } = await placeAnsweredCall(alice, bob, RCCallMediaType.AUDIO_VIDEO);
    await remoteTrackReady(alice, callId);
    await remoteTrackReady(bob, callId);
    const during = await scrape();
    expect(sampleValue(during, 'opencall_active_calls')).toBe(1);
    expect(sampleValue(during, 'opencall_connections')).toBeGreaterThanOrEqual(3);
    expect((await callerSession.hungup()).code).toBe(RCCallErrorCode.SUCCESS);
    await bob.waitForClose(callId);

    const rejected = await alice.client.call({ targetId: carol.userId, mediaType: RCCallMediaType.AUDIO, listener: alice.listener() });
    const rejectedId = rejected.session!.getSessionId();
    await carol.waitFor('onSession', (c) => c.sessionId === rejectedId);
    await carol.sessions.find((s) => s.getSessionId() === rejectedId)!.hungup();
    await alice.waitForClose(rejectedId);

    const forged = await fetch(`${server.url}/call/query.json`, {
      method: 'POST',
      headers: { 'App-Key': server.appKey, Nonce: '1234567', Timestamp: String(Math.floor(Date.now() / 1000)), Signature: '0'.repeat(40) },
      body: '',
    });
    expect(forged.status).toBe(401);

    const ended = (m: ParsedMetrics, reason: string, connected: string) =>
      sampleValue(m, 'opencall_calls_ended_total', { reason, connected });
    const ring = (m: ParsedMetrics, outcome: string) => sampleValue(m, 'opencall_ring_outcomes_total', { outcome });
    const after = await scrapeUntil((m) => ended(m, 'REMOTE_REJECT', 'no') > ended(before, 'REMOTE_REJECT', 'no'));
    expect(ended(after, 'HANGUP', 'yes') - ended(before, 'HANGUP', 'yes')).toBe(1);
    expect(ended(after, 'REMOTE_REJECT', 'no') - ended(before, 'REMOTE_REJECT', 'no')).toBe(1);
    expect(ring(after, 'answered') - ring(before, 'answered')).toBe(1);
    expect(ring(after, 'rejected') - ring(before, 'rejected')).toBe(1);
    expect(histogramCount(after, 'opencall_call_invite_to_ringing_seconds')).toBe(2);
    expect(histogramCount(after, 'opencall_call_accept_to_connected_seconds')).toBe(1);
    expect(histogramCount(after, 'opencall_call_duration_seconds')).toBe(1);
    expect(sampleValue(after, 'opencall_active_calls')).toBe(0);
    expect(sampleValue(after, 'opencall_janus_up', { mode: 'off' })).toBe(0);
    expect(sampleValue(after, 'opencall_security_events_total', { event: 'api_signature_refused', reason: 'signature_mismatch' })).toBe(1);
    expect(after.has('nodejs_eventloop_lag_seconds')).toBe(true);

    // The same calls through the signed read API (records are stored just after the end: bounded wait).
    const deadline = Date.now() + 5_000;
    let query = await server.signedPost('/call/query.json', { userId: alice.userId });
    while (query.body.total < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      query = await server.signedPost('/call/query.json', { userId: alice.userId });
    }
    expect(query.status).toBe(200);
    expect(query.body.total).toBe(2);
    expect(query.body.calls.map((c: { callId: string }) => c.callId)).toEqual([rejectedId, callId]);
    const info = await server.signedPost('/call/info.json', { callId });
    expect(info.body.code).toBe(200);
    expect(info.body.call).toMatchObject({ callId, callerId: alice.userId, endReason: RCCallEndReason.HANGUP });
    expect(info.body.call.durationMs).toBeGreaterThan(0);
    expect(info.body.call.participants.map((p: { userId: string; endReason: number }) => [p.userId, p.endReason])).toEqual([
      [alice.userId, RCCallEndReason.HANGUP],
      [bob.userId, RCCallEndReason.REMOTE_HANGUP],
    ]);
    const rejectedOnly = await server.signedPost('/call/query.json', {
      userId: carol.userId,
      endReason: String(RCCallEndReason.REMOTE_REJECT),
    });
    expect(rejectedOnly.body.calls.map((c: { callId: string }) => c.callId)).toEqual([rejectedId]);
    const today = new Date().toISOString().slice(0, 10);
    const usage = await server.signedPost('/call/usage.json', { startDate: today, endDate: today });
    expect(usage.body.days).toHaveLength(1);
    expect(usage.body.days[0].calls).toBe(2);
    expect(usage.body.days[0].peakConcurrentCalls).toBe(1);
    expect(usage.body.days[0].minutes).toEqual({
      audio1v1: 0,
      video1v1: Math.round(info.body.call.durationMs / 600) / 100,
      audioGroup: 0,
      videoGroup: 0,
    });
    expect((await server.signedPost('/call/info.json', { callId: 'no-such-call' })).body.code).toBe(40004);
  });
});
