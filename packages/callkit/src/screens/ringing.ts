/** The incoming call sheet and the outgoing (ringback) screen. */
import type { CallKitController } from '../controller.js';
import { h, ICONS } from '../dom.js';
import type { CallKitTexts } from '../texts.js';
import { avatar, control } from './parts.js';

export function incomingScreen(kit: CallKitController, t: CallKitTexts): HTMLElement {
  const { model } = kit;
  const caller = kit.displayName(model.callerId);
  const title = model.group
    ? t.incomingGroup(caller, model.participants.size + 1)
    : model.video
      ? t.incomingVideo(caller)
      : t.incomingAudio(caller);
  return h(
    'section',
    {
      class: 'screen',
      role: 'alertdialog',
      'aria-modal': 'true',
      'aria-labelledby': 'ck-title',
      'aria-describedby': 'ck-sub',
      'data-testid': 'callkit-incoming',
    },
    avatar(caller, kit.avatarOf(model.callerId)),
    h('h2', { id: 'ck-title', 'data-testid': 'callkit-caller' }, caller),
    h('p', { id: 'ck-sub' }, title),
    h(
      'div',
      { class: 'row' },
      control({ testId: 'callkit-decline', label: t.decline, path: ICONS.hangup, tone: 'no', onClick: () => void kit.hangup() }),
      model.video
        ? control({ testId: 'callkit-accept-audio', label: t.acceptAudio, path: ICONS.audioOnly, onClick: () => void kit.accept(true) })
        : null,
      control({
        testId: 'callkit-accept',
        label: t.accept,
        path: model.video ? ICONS.camera : ICONS.phone,
        tone: 'ok',
        onClick: () => void kit.accept(),
      }),
    ),
  );
}

export function outgoingScreen(kit: CallKitController, t: CallKitTexts, preview: HTMLVideoElement | undefined): HTMLElement {
  const { model } = kit;
  const names = [...model.participants.keys()].map((id) => kit.displayName(id));
  const first = [...model.participants.keys()][0] ?? '';
  const shown = names.length > 1 ? names.join(', ') : (names[0] ?? '');
  return h(
    'section',
    { class: 'screen', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'ck-title', 'data-testid': 'callkit-outgoing' },
    preview ?? null,
    h(
      'div',
      { class: 'front' },
      avatar(shown, model.group ? undefined : kit.avatarOf(first)),
      h('h2', { id: 'ck-title' }, t.calling(shown)),
      h('p', { 'data-testid': 'callkit-status', role: 'status' }, `${model.video ? t.videoCall : t.audioCall} · ${t.waiting}`),
      control({ testId: 'callkit-cancel', label: t.cancel, path: ICONS.hangup, tone: 'no', onClick: () => void kit.hangup() }),
    ),
  );
}
