/** `CallPlus.installer`: the IMLib plugin that creates the `RCCallPlusClient`. */
import type { PluginContext, PluginInstaller, PluginRuntime } from '@opencall/imlib';
import { RCCallPlusClient } from './callplus-client.js';
import type { IRCCallPlusInitOptions } from './types.js';

export const VERSION = '2.1.6-opencall.0';

/** Why the installer options are invalid, or undefined when they are fine. */
export function callPlusOptionsProblem(options: unknown): string | undefined {
  if (typeof options !== 'object' || options === null) return 'options must be an object';
  const { rtcClient } = options as Record<string, unknown>;
  if (typeof rtcClient !== 'object' || rtcClient === null) return "'rtcClient' is required (installPlugin(RCRTC.installer, {}))";
  return undefined;
}

function setup(context: PluginContext, _runtime: PluginRuntime, options: IRCCallPlusInitOptions): RCCallPlusClient {
  const problem = callPlusOptionsProblem(options);
  if (problem) throw new Error(`[RCCallPlus installer] ${problem}`);
  context.logger.info(`CallPlus ${VERSION}`);
  return new RCCallPlusClient(context, options);
}

export const installer: PluginInstaller<RCCallPlusClient, IRCCallPlusInitOptions> = {
  tag: 'RCCallPlus',
  version: VERSION,
  name: 'RCCallPlus',
  verify: (runtime) => runtime.tag === 'browser',
  setup,
};

/** Installer for headless clients and Node tests (accepts the 'node' runtime). */
export const headlessInstaller: PluginInstaller<RCCallPlusClient, IRCCallPlusInitOptions> = {
  ...installer,
  verify: (runtime) => runtime.tag === 'browser' || runtime.tag === 'node',
};
