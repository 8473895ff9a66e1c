/** `CallPlusWrapper.installer`: the IMLib plugin that creates the CallLib-style `RCCallClient` on a CallPlus client. */
import type { PluginContext, PluginInstaller, PluginRuntime } from '@opencall/imlib';
import type { IRCCallPlusWrapperInitOptions } from './types.js';
import { wrapperOptionsProblem } from './validate.js';
import { RCCallClient } from './wrapper-client.js';
import type { RCCallSession } from './wrapper-session.js';

export const VERSION = '2.1.6-opencall.0';

function setup(context: PluginContext, _runtime: PluginRuntime, options: IRCCallPlusWrapperInitOptions<RCCallSession>): RCCallClient {
  const problem = wrapperOptionsProblem(options);
  if (problem) throw new Error(`[RCCallPlusWrapper installer] ${problem}`);
  context.logger.info(`CallPlusWrapper ${VERSION}`);
  return new RCCallClient(options);
}

/** Runs wherever the CallPlus client it is given runs (that client's installer checks the runtime). */
export const installer: PluginInstaller<RCCallClient, IRCCallPlusWrapperInitOptions<RCCallSession>> = {
  tag: 'RCCallPlusWrapper',
  version: VERSION,
  name: 'RCCallPlusWrapper',
  verify: (runtime) => runtime.tag === 'browser' || runtime.tag === 'node',
  setup,
};
