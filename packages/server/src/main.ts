/** `npm start`: the server with the demo and the SDK bundles, on the embedded default storage. */
import pino from 'pino';
import { startServer } from './app.js';
import { loadConfig } from './config.js';

// `npm start` passes --dev-tokens so the demo can sign in: OPENCALL_DEV_TOKENS=1 unless the env says otherwise.
const config = loadConfig(process.argv.includes('--dev-tokens') ? { OPENCALL_DEV_TOKENS: '1', ...process.env } : process.env);
// Asynchronous stdout: a log line never blocks the event loop on a slow pipe (pino flushes on exit).
// Nothing logs these today; the redaction is the safety net if a record, frame or request ever is.
const REDACT = [
  ...['token', 'appSecret', 'secret', 'turnSecret', 'credential', 'signature', 'password'].flatMap((key) => [key, `*.${key}`]),
  'iceServers[*].credential',
  '*.iceServers[*].credential',
  'req.headers.signature',
  'req.headers["rc-signature"]',
  'headers.signature',
  'headers["rc-signature"]',
];
const logger = pino({ level: config.logLevel, redact: REDACT }, pino.destination({ dest: 1, sync: false }));

startServer(config, logger)
  .then((server) => {
    logger.info({ url: server.url, appKey: server.appKey }, `OpenCall listening on ${server.url} (demo at /)`);
    const stop = (signal: string) => {
      logger.info({ signal, drainMs: config.drainTimeoutMs }, 'draining: no new calls');
      const force = setTimeout(() => process.exit(1), config.drainTimeoutMs + 5000);
      force.unref();
      server
        .drain(config.drainTimeoutMs)
        .then(() => server.close())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  })
  .catch((error: unknown) => {
    logger.fatal({ err: error }, 'failed to start');
    process.exit(1);
  });
