/**
 * A webhook receiver on 127.0.0.1 for the integration tests: records every POST (path, headers, the raw
 * body, when it came, what it answered) and answers as the test scripts (a status, a `Retry-After`, or
 * holding the request open).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';

export interface ReceivedHook {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
  at: number;
  /** What it answered; 0 while held. */
  status: number;
}

export type HookAnswer = { status: number; retryAfter?: string } | 'hold';

export interface WebhookReceiver {
  url: string;
  hooks: ReceivedHook[];
  /** Decides each answer (default: 200). */
  answer: (hook: ReceivedHook) => HookAnswer;
  /** Resolves once `condition` holds, polling every 20 ms; false after `timeoutMs`. */
  until(condition: () => boolean, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const held: ServerResponse[] = [];
  const receiver: WebhookReceiver = {
    url: '',
    hooks: [],
    answer: () => ({ status: 200 }),
    async until(condition, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return condition();
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => {
      const hook: ReceivedHook = { path: req.url ?? '', headers: req.headers, raw, body: JSON.parse(raw), at: Date.now(), status: 0 };
      receiver.hooks.push(hook);
      const answer = receiver.answer(hook);
      if (answer === 'hold') {
        held.push(res);
        return;
      }
      hook.status = answer.status;
      res.statusCode = answer.status;
      if (answer.retryAfter !== undefined) res.setHeader('retry-after', answer.retryAfter);
      res.end(answer.status < 300 ? 'ok' : 'try again');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  receiver.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return receiver;
}
