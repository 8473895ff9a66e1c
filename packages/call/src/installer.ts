/** `RCCall.installer`: the IMLib plugin that creates the `RCCallClient`. */
import type { PluginContext, PluginInstaller, PluginRuntime } from '@opencall/imlib';
import { RCCallClient } from './call-client.js';
import type { RCCallSession } from './call-session.js';
import type { IRCCallInitOptions } from './types.js';
import { assertInstallerOptions } from './validate.js';

export const VERSION = '5.2.10-opencall.0';

function setup(context: PluginContext, _runtime: PluginRuntime, options: IRCCallInitOptions<RCCallSession>): RCCallClient {
  assertInstallerOptions(options);
  context.logger.info(`RCCall ${VERSION}`);
  return new RCCallClient(context, options);
}

export const installer: PluginInstaller<RCCallClient, IRCCallInitOptions<RCCallSession>> = {
  tag: 'RCCall',
  version: VERSION,
  name: 'RCCall',
  verify: (runtime) => runtime.tag === 'browser',
  setup,
};

/** Installer for headless clients and Node tests (accepts the 'node' runtime). */
export const headlessInstaller: PluginInstaller<RCCallClient, IRCCallInitOptions<RCCallSession>> = {
  ...installer,
  verify: (runtime) => runtime.tag === 'browser' || runtime.tag === 'node',
};
