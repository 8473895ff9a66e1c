/**
 * The default app: from `OPENCALL_APP_KEY` / `OPENCALL_APP_SECRET`, else the one remembered in the
 * data dir (so restarts keep the same key), else freshly generated and printed once.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ensurePrivateDir, restrictFile } from '../../adapters/files/private-files.js';
import type { ServerConfig } from '../../config.js';
import type { AppRecord, Storage } from '../../ports/index.js';

/** File in the data dir naming the default app key (the secret stays in the database). */
export const DEFAULT_APP_FILE = 'default-app-key';
const KEY_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A 16-character lower-case alphanumeric app key. */
export function generateAppKey(): string {
  let key = '';
  for (let i = 0; i < 16; i++) key += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
  return key;
}

/** A 24-character URL-safe secret (144 random bits). */
export function generateAppSecret(): string {
  return randomBytes(18).toString('base64url');
}

function readRememberedKey(dataDir: string): string | undefined {
  try {
    const key = readFileSync(join(dataDir, DEFAULT_APP_FILE), 'utf8').trim();
    return key || undefined;
  } catch {
    return undefined;
  }
}

function rememberKey(dataDir: string, appKey: string): void {
  ensurePrivateDir(dataDir);
  writeFileSync(join(dataDir, DEFAULT_APP_FILE), `${appKey}\n`, { mode: 0o600 });
}

/**
 * The developer needs the generated credentials: the secret goes to stdout as plain text, once (a
 * restart finds the app stored and prints nothing), and never into a log line.
 */
function announceGenerated(logger: Logger, appKey: string, appSecret: string, generatedKey: boolean): void {
  logger.info({ appKey }, generatedKey ? 'generated the default app' : 'generated a secret for the default app');
  process.stdout.write(
    [
      '',
      '  OpenCall default app (set OPENCALL_APP_KEY / OPENCALL_APP_SECRET to choose your own):',
      `    App Key:    ${appKey}`,
      `    App Secret: ${appSecret}`,
      '',
      '',
    ].join('\n'),
  );
}

/**
 * Makes sure the default app exists in `storage` and returns it.
 * An env key with a different secret than stored updates the stored secret (invalidating tokens);
 * an env key different from the one before disables the previous env app.
 */
export async function ensureDefaultApp(storage: Storage, config: ServerConfig, logger: Logger): Promise<AppRecord> {
  const remembered = readRememberedKey(config.dataDir);
  const generatedKey = config.appKey === undefined && remembered === undefined;
  const appKey = config.appKey ?? remembered ?? generateAppKey();
  const stored = await storage.apps.get(appKey);

  let app: AppRecord;
  if (config.appSecret !== undefined) {
    app = stored ?? {
      appKey,
      appSecret: config.appSecret,
      name: 'default',
      createdAt: Date.now(),
      audioCallEnabled: true,
      videoCallEnabled: true,
    };
    if (!stored || stored.appSecret !== config.appSecret) {
      if (stored) logger.warn({ appKey }, 'OPENCALL_APP_SECRET differs from the stored secret: updating it (old tokens become invalid)');
      app = { ...app, appSecret: config.appSecret };
      await storage.apps.upsert(app);
    }
  } else if (stored) {
    app = stored;
  } else {
    app = {
      appKey,
      appSecret: generateAppSecret(),
      name: 'default',
      createdAt: Date.now(),
      audioCallEnabled: true,
      videoCallEnabled: true,
    };
    await storage.apps.upsert(app);
    announceGenerated(logger, app.appKey, app.appSecret, generatedKey);
  }

  if (config.appKey !== undefined) await retirePreviousEnvApp(storage, logger, remembered, app);
  if (remembered !== app.appKey) rememberKey(config.dataDir, app.appKey);
  restrictFile(join(config.dataDir, DEFAULT_APP_FILE));
  return (await storage.apps.get(app.appKey)) ?? app;
}

/**
 * `OPENCALL_APP_KEY` names the env app. When it changed to another key, the app the variable named
 * before (remembered in the data dir) must not stay silently usable: it is disabled (its devices are
 * refused with 31008, its server-API calls with 1006) and a warning says how to get it back. The env
 * app itself is always enabled (it may be one disabled earlier that the variable names again).
 */
async function retirePreviousEnvApp(storage: Storage, logger: Logger, remembered: string | undefined, app: AppRecord): Promise<void> {
  if (remembered !== undefined && remembered !== app.appKey) {
    const previous = await storage.apps.get(remembered);
    if (previous && !previous.disabled) {
      await storage.apps.update(remembered, { disabled: true });
      logger.warn(
        { previousAppKey: remembered, appKey: app.appKey },
        'OPENCALL_APP_KEY changed: the previous env app is now disabled (enable it again in the console if it is still needed)',
      );
    }
  }
  const current = await storage.apps.get(app.appKey);
  if (current?.disabled) {
    await storage.apps.update(app.appKey, { disabled: false });
    logger.warn({ appKey: app.appKey }, 'OPENCALL_APP_KEY names a disabled app: enabling it again (it is the env app)');
  }
}
