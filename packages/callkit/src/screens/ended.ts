/** The end screen: the reason in words, the duration, a close button. */
import type { CallKitController } from '../controller.js';
import { h } from '../dom.js';
import { type CallKitTexts, endReasonText, formatDuration } from '../texts.js';

export function endedScreen(kit: CallKitController, t: CallKitTexts): HTMLElement {
  const { model } = kit;
  const reason = endReasonText(t, kit.sdk.RCCall.RCCallEndReason, model.endReason);
  return h(
    'section',
    { class: 'screen', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'ck-title', 'data-testid': 'callkit-ended' },
    h('h2', { id: 'ck-title' }, t.callEnded),
    h('p', { 'data-testid': 'callkit-end-reason', 'data-reason': String(model.endReason ?? ''), role: 'status' }, reason),
    model.duration > 0 ? h('p', { class: 'timer' }, t.duration(formatDuration(model.duration))) : null,
    h('button', { type: 'button', class: 'pill', 'data-testid': 'callkit-end-close', onclick: () => kit.dismiss() }, t.close),
  );
}
