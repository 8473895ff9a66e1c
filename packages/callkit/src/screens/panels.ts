/** The in-call panels: device picker (microphone, camera, speaker) and group invite. */
import type { CallKitController } from '../controller.js';
import { h } from '../dom.js';
import type { CallKitTexts } from '../texts.js';

type DeviceKind = 'microphone' | 'camera' | 'speaker';

async function listDevices(kit: CallKitController, kind: DeviceKind): Promise<MediaDeviceInfo[]> {
  const device = kit.sdk.RCRTC?.device;
  if (!device) return [];
  if (kind === 'microphone') return device.getMicrophones();
  if (kind === 'camera') return device.getCameras();
  return device.getSpeakers();
}

/** Whether this browser can choose the audio output (`HTMLMediaElement.setSinkId`). */
const canPickSpeaker = () => typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

export function devicesPanel(kit: CallKitController, t: CallKitTexts, close: () => void): HTMLElement {
  const kinds: DeviceKind[] = ['microphone'];
  if (kit.model.video) kinds.push('camera');
  if (canPickSpeaker()) kinds.push('speaker');
  const panel = h('div', { class: 'panel', role: 'dialog', 'aria-label': t.devices, 'data-testid': 'callkit-devices-panel' });
  for (const kind of kinds) {
    const select = h('select', { 'data-testid': `callkit-device-${kind}` }, h('option', { value: '' }, t.systemDefault));
    select.addEventListener('change', () => {
      const id = select.value || undefined;
      if (kind === 'microphone') void kit.useMicrophone(id);
      else if (kind === 'camera') void kit.useCamera(id);
      else void kit.useSpeaker(id);
    });
    void listDevices(kit, kind).then((devices) => {
      devices.forEach((device, index) => {
        select.append(h('option', { value: device.deviceId }, device.label || `${t[kind]} ${index + 1}`));
      });
      if (kind === 'speaker') select.value = kit.currentSpeakerId ?? '';
    });
    panel.append(h('label', {}, t[kind], select));
  }
  panel.append(h('button', { type: 'button', class: 'pill plain', 'data-testid': 'callkit-panel-close', onclick: close }, t.close));
  return panel;
}

export function invitePanel(kit: CallKitController, t: CallKitTexts, close: () => void): HTMLElement {
  const input = h('input', { type: 'text', 'data-testid': 'callkit-invite-input', autocomplete: 'off', placeholder: 'bob, carol' });
  const status = h('p', { role: 'status', 'data-testid': 'callkit-invite-status' });
  const send = async () => {
    const ids = input.value
      .split(/[\s,，]+/)
      .map((id) => id.trim())
      .filter(Boolean);
    if (ids.length === 0) return;
    let code: number;
    try {
      code = await kit.invite(ids);
    } catch (error) {
      status.textContent = `${t.invite}: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    if (code === kit.sdk.RCCall.RCCallErrorCode.SUCCESS) close();
    else status.textContent = `${t.invite}: ${kit.sdk.RCCall.RCCallErrorCode[code] ?? code}`;
  };
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') void send();
  });
  return h(
    'div',
    { class: 'panel', role: 'dialog', 'aria-label': t.invite, 'data-testid': 'callkit-invite-panel' },
    h('label', {}, t.inviteHint, input),
    status,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'pill', 'data-testid': 'callkit-invite-send', onclick: () => void send() }, t.inviteSend),
      h('button', { type: 'button', class: 'pill plain', 'data-testid': 'callkit-panel-close', onclick: close }, t.close),
    ),
  );
}
