/**
 * The console's password and session key. The password is `OPENCALL_ADMIN_PASSWORD`, else one
 * generated at first start: its hash is stored in `console_settings` (shared by every node) and the
 * password goes to stdout once, never into a log line. The session key is random, stored the same way.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ConsoleSettingsStore } from '../../ports/index.js';
import { hashPassword, verifyPassword } from './password-hash.js';

const PASSWORD_SETTING = 'admin_password_hash';
const SESSION_KEY_SETTING = 'session_key';

export interface AdminCredentials {
  /** Constant-time check of a submitted password. */
  verify(password: string): Promise<boolean>;
  /**
   * Key that signs session cookies and CSRF tokens: the same on every node, and different once the
   * password changes (changing it logs every session out).
   */
  signingKey: Buffer;
}

export async function ensureAdminCredentials(
  settings: ConsoleSettingsStore,
  envPassword: string | undefined,
  logger: Logger,
  announce: (text: string) => void = (text) => process.stdout.write(text),
): Promise<AdminCredentials> {
  const sessionKey = await settings.putIfAbsent(SESSION_KEY_SETTING, randomBytes(32).toString('base64url'));
  if (envPassword !== undefined) {
    const identity = createHash('sha256').update(envPassword).digest('base64url');
    const envHash = await hashPassword(envPassword);
    return { verify: (password) => verifyPassword(password, envHash), signingKey: keyFor(sessionKey, `env:${identity}`) };
  }
  let storedHash = await settings.get(PASSWORD_SETTING);
  if (storedHash === undefined) {
    const generated = randomBytes(12).toString('base64url');
    storedHash = await settings.putIfAbsent(PASSWORD_SETTING, await hashPassword(generated));
    // Another node may have won the race: only the winner's password is valid, so only it prints.
    if (await verifyPassword(generated, storedHash)) {
      logger.info('generated the console password');
      announce(
        ['', '  OpenCall console (set OPENCALL_ADMIN_PASSWORD to choose your own):', `    Password: ${generated}`, '', ''].join('\n'),
      );
    }
  }
  const hash = storedHash;
  return { verify: (password) => verifyPassword(password, hash), signingKey: keyFor(sessionKey, `stored:${hash}`) };
}

function keyFor(sessionKey: string, passwordIdentity: string): Buffer {
  return createHmac('sha256', Buffer.from(sessionKey, 'base64url')).update(passwordIdentity).digest();
}
