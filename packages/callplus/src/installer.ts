/** `CallPlus.installer`: the IMLib plugin that creates the `RCCallPlusClient`. */
import type { PluginContext, PluginInstaller, PluginRuntime } from '@opencall/imlib';
import { RCCallLanguage, RTCJoinType } from '@opencall/protocol';
import { RCCallPlusClient } from './callplus-client.js';
import type { IRCCallPlusInitOptions } from './types.js';

export const VERSION = '2.1.6-opencall.0';

/** Why the installer options are invalid, or undefined when they are fine. */
export function callPlusOptionsProblem(options: unknown): string | undefined {
  if (typeof options !== 'object' || options === null) return 'options must be an object';
  const o = options as Record<string, unknown>;
  if (typeof o.rtcClient !== 'object' || o.rtcClient === null) return "'rtcClient' is required (installPlugin(RCRTC.installer, {}))";
  if (o.isAllowDemotionGetStream !== undefined && typeof o.isAllowDemotionGetStream !== 'boolean')
    return "'isAllowDemotionGetStream' must be a boolean";
  if (o.joinType !== undefined && !Object.values(RTCJoinType).includes(o.joinType as RTCJoinType))
    return "'joinType' must be an RTCJoinType";
  if (o.lang !== undefined && !Object.values(RCCallLanguage).includes(o.lang as RCCallLanguage)) return "'lang' must be an RCCallLanguage";
  if (o.logStdout !== undefined && typeof o.logStdout !== 'function') return "'logStdout' must be a function";
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
