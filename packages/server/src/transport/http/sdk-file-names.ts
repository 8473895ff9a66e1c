/**
 * The SDK file names `/sdk/` answers: OpenCall's own (`RongIMLib.js`) and every name RongCloud's CDN
 * uses for the same bundle — versioned, with `.prod` / `.min` and pre-release tags
 * (`RongIMLib-5.9.5.prod.js`, `RCRTC-5.7.2.prod.js`, `RCCall-5.2.10.prod.js`, `RongIMLib-2.5.10.min.js`,
 * `RCCall-5.0.1-alpha.12.js`) — so an app only changes the host of its script tags.
 */

/** The bundles served under `/sdk/`, each also with its `.map`. */
export const SDK_BUNDLES = [
  'RongIMLib.js',
  'RCRTC.js',
  'RCCall.js',
  'RCEngine.js',
  'CallPlusWrapper.js',
  'CallPlus.js',
  'RCCallWebPush.js',
  'opencall-sw.js',
  'RCCallKit.js',
] as const;
export type SdkBundle = (typeof SDK_BUNDLES)[number];

/** `-5.9.5`, `-4.2.0`, `-5.0.1-alpha.12`, `-v2.5.10`: a dash, an optional `v`, a dotted version and an optional pre-release tag. */
const VERSION = String.raw`(?:-v?\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?)?`;
/** The build flavour RongCloud's CDN names carry before `.js`. */
const FLAVOUR = String.raw`(?:\.(?:prod|min))?`;
const NAME_PATTERN = new RegExp(
  String.raw`^(${SDK_BUNDLES.map((b) => b.replace(/\.js$/, '')).join('|')})${VERSION}${FLAVOUR}\.js(\.map)?$`,
);

/**
 * The file to send for a requested `/sdk/` name, e.g. `RCRTC-5.7.2.prod.js` → `RCRTC.js` and
 * `RongIMLib-5.9.5.prod.js.map` → `RongIMLib.js.map`; `undefined` for any other name.
 */
export function sdkFileFor(requested: string): string | undefined {
  const match = NAME_PATTERN.exec(requested);
  if (match === null) return undefined;
  return `${match[1]}.js${match[2] ?? ''}`;
}
