import type { PluginContext } from '@opencall/imlib';
import { RTCJoinType } from '@opencall/protocol';
import { describe, expect, it } from 'vitest';
import { RCCallPlusClient } from './callplus-client.js';
import { callPlusOptionsProblem } from './installer.js';
import { OpenCallNotSupportedError, UNSUPPORTED_CALLPLUS_METHODS } from './not-supported.js';
import { WRAPPER_PORT_METHOD, type WrapperHooks } from './wrapper-port.js';

/** Just enough of IMLib's plugin context for constructing the client (no server is reached). */
function fakeContext(): PluginContext {
  const quiet = () => undefined;
  return {
    getCurrentId: () => 'me',
    onEvent: () => quiet,
    onStreamReset: () => quiet,
    logger: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  } as unknown as PluginContext;
}

const hooks: WrapperHooks = { onSession: () => undefined, onSessionClose: () => undefined };

function client(): RCCallPlusClient {
  return new RCCallPlusClient(fakeContext(), { rtcClient: {} as never });
}

describe('RCCallPlusClient', () => {
  it('lets one wrapper attach, and refuses a second', () => {
    const c = client();
    expect(c[WRAPPER_PORT_METHOD](hooks).engine).toBeDefined();
    expect(() => c[WRAPPER_PORT_METHOD](hooks)).toThrow(/already installed/);
  });

  it("applies the wrapper's CallLib options to the engine, and only those", () => {
    const c = client();
    const port = c[WRAPPER_PORT_METHOD](hooks);
    const onOfflineRecord = () => undefined;
    port.applyCallOptions({
      isOffCameraWhenVideoDisable: false,
      joinType: RTCJoinType.KICK,
      onOfflineRecord,
      ...({ rtcClient: 'replaced?', onSession: 'replaced?' } as object),
    });
    const engineOptions = (c as unknown as { engineOptions: Record<string, unknown> }).engineOptions;
    expect(engineOptions).toMatchObject({ isOffCameraWhenVideoDisable: false, joinType: RTCJoinType.KICK, onOfflineRecord });
    expect(engineOptions.rtcClient).toEqual({});
    expect(typeof engineOptions.onSession).toBe('function');
  });

  it.each(UNSUPPORTED_CALLPLUS_METHODS)('%s throws OpenCallNotSupportedError naming it', (name) => {
    const method = (client() as unknown as Record<string, () => void>)[name];
    expect(method).toBeTypeOf('function');
    expect(() => method?.()).toThrow(OpenCallNotSupportedError);
    expect(() => method?.()).toThrow(name);
  });
});

describe('CallPlus installer options', () => {
  it.each([
    [undefined, /options must be an object/],
    [{}, /rtcClient/],
    [{ rtcClient: {}, joinType: 9 }, /joinType/],
    [{ rtcClient: {}, lang: 'fr' }, /lang/],
    [{ rtcClient: {}, isAllowDemotionGetStream: 'yes' }, /isAllowDemotionGetStream/],
    [{ rtcClient: {}, logStdout: 1 }, /logStdout/],
  ])('%j is refused with a message naming the field', (options, message) => {
    expect(callPlusOptionsProblem(options)).toMatch(message);
  });

  it('accepts the documented form', () => {
    expect(callPlusOptionsProblem({ rtcClient: {}, logOutputLevel: 4 })).toBeUndefined();
  });
});
