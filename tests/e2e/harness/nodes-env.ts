/**
 * An e2e world whose server processes may die and come back: named nodes (one for a single server,
 * several for a cluster), each with a data dir of its own that outlives the process, one Chromium,
 * one context per user, and a watchdog over the whole file (like e2e-env.ts, which owns one server
 * for good). A node can be killed (`kill -9`) and started again on the same port and data dir.
 *
 *   const env = await startNodesEnv({ label: 'server-restart', budgetMs: 120_000, nodeIds: ['solo'] });
 *   const alice = await env.openSdkUser('alice', ['solo']);  // page at solo's origin, navigators [solo]
 *   await env.kill('solo'); await env.start('solo', { samePort: true });
 *   await env.close();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { type ServerProcess, startServerProcess } from '../../helpers/server-process.js';
import { CHROMIUM_PROCESS, launchChromium, openUserPage, type UserPage, within } from './chromium.js';
import { SdkUser } from './sdk-user.js';
import { killChildProcesses, startWatchdog, type Watchdog } from './watchdog.js';

export interface NodesEnvOptions {
  /** Name used in watchdog and failure messages. */
  label: string;
  /** Wall-clock budget of the whole file, setup and teardown included. */
  budgetMs: number;
  /** Nodes started at once (in parallel), e.g. `['node-a', 'node-b', 'node-c']`. */
  nodeIds: string[];
  /** Server environment of a node (on top of server-process.ts's defaults). */
  nodeEnv?: (nodeId: string) => Record<string, string>;
  /** Also run at teardown, after the nodes are down (e.g. stopping private Postgres/Redis). */
  onTeardown?: () => Promise<void>;
}

export interface NodesEnv {
  browser: Browser;
  watchdog: Watchdog;
  /** The node's current process (the latest one started). */
  node(nodeId: string): ServerProcess;
  /** Starts a node again after `kill`, on its previous port and data dir. */
  restart(nodeId: string): Promise<ServerProcess>;
  /** SIGKILLs the node's process and waits for it to exit (the data dir stays). */
  kill(nodeId: string): Promise<void>;
  /** A new context + page at the node's origin (the demo page, which loads the SDK). */
  openPage(label: string, nodeId: string): Promise<UserPage>;
  /**
   * A new user page at the first node's origin, SDK initialised with `navigators` = the nodes' URLs in
   * the given order and connected as `userId` (token from the first node's server API).
   */
  openSdkUser(userId: string, nodeIds: string[]): Promise<SdkUser>;
  /** Disarms the watchdog and tears everything down (bounded); throws if the watchdog had fired. */
  close(): Promise<void>;
}

export async function startNodesEnv(options: NodesEnvOptions): Promise<NodesEnv> {
  const nodes = new Map<string, ServerProcess>();
  const dataDirs = new Map<string, string>();
  const ports = new Map<string, number>();
  const pages: UserPage[] = [];
  let browser: Browser | undefined;

  const teardown = async () => {
    await within(Promise.allSettled(pages.map((p) => p.context.close())), 5_000);
    if (browser)
      await within(
        browser.close().catch(() => undefined),
        5_000,
      );
    killChildProcesses(CHROMIUM_PROCESS);
    await within(Promise.allSettled([...nodes.values()].map((s) => s.kill('SIGKILL'))), 5_000);
    for (const dir of dataDirs.values()) rmSync(dir, { recursive: true, force: true });
    if (options.onTeardown)
      await within(
        options.onTeardown().catch(() => undefined),
        10_000,
      );
  };
  const watchdog = startWatchdog(options.label, options.budgetMs, teardown);

  const start = async (nodeId: string, port?: number): Promise<ServerProcess> => {
    let dataDir = dataDirs.get(nodeId);
    if (dataDir === undefined) {
      dataDir = mkdtempSync(join(tmpdir(), `opencall-e2e-${nodeId}-`));
      dataDirs.set(nodeId, dataDir);
    }
    const server = await startServerProcess({
      dataDir,
      env: { ...(options.nodeEnv?.(nodeId) ?? {}), ...(port === undefined ? {} : { PORT: String(port) }) },
    });
    nodes.set(nodeId, server);
    ports.set(nodeId, Number(new URL(server.url).port));
    return server;
  };
  const node = (nodeId: string): ServerProcess => {
    const server = nodes.get(nodeId);
    if (!server) throw new Error(`no node ${nodeId}`);
    return server;
  };

  try {
    // Started together: on a fresh Postgres they migrate at once (the advisory lock serialises it).
    await Promise.all(options.nodeIds.map((id) => start(id)));
    browser = await launchChromium();
  } catch (error) {
    watchdog.disarm();
    await teardown();
    throw error;
  }
  const launched = browser;
  const openPage = async (label: string, nodeId: string): Promise<UserPage> => {
    const userPage = await openUserPage(launched, new URL('/', node(nodeId).url).href, label);
    pages.push(userPage);
    return userPage;
  };

  return {
    browser: launched,
    watchdog,
    node,
    restart: (nodeId) => start(nodeId, ports.get(nodeId)),
    kill: (nodeId) => node(nodeId).kill('SIGKILL'),
    openPage,
    async openSdkUser(userId, nodeIds) {
      const servers = nodeIds.map(node);
      const first = servers[0];
      if (!first || !nodeIds[0]) throw new Error('openSdkUser: no node given');
      const userPage = await openPage(userId, nodeIds[0]);
      const user = new SdkUser(userId, userPage.page, userPage.consoleLines);
      await user.connect(
        first,
        await first.getToken(userId),
        servers.map((s) => s.url),
      );
      return user;
    },
    async close() {
      watchdog.disarm();
      await teardown();
      watchdog.assertNotExpired();
    },
  };
}
