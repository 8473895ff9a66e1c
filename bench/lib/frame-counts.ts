/**
 * The server's WebSocket frame counters (`opencall_ws_frames_received_total{type}`,
 * `opencall_ws_frames_sent_total`) read from its `/metrics`, so a scenario can report frames per call.
 */
export interface FrameCounts {
  received: number;
  sent: number;
}

export async function scrapeFrameCounts(serverUrl: string): Promise<FrameCounts> {
  const response = await fetch(`${serverUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
  const text = await response.text();
  let received = 0;
  let sent = 0;
  for (const line of text.split('\n')) {
    const match = /^(opencall_ws_frames_received_total|opencall_ws_frames_sent_total)(?:\{[^}]*\})? ([0-9.e+]+)$/.exec(line);
    if (!match) continue;
    if (match[1] === 'opencall_ws_frames_sent_total') sent += Number(match[2]);
    else received += Number(match[2]);
  }
  return { received, sent };
}
