/**
 * The in-call screen: 1:1 (remote full screen, local picture-in-picture) or a group grid of up to 16
 * tiles; top bar with timer and own quality; "reconnecting" banner; the control bar and its panels.
 * Built once per call screen and then patched, so videos keep playing and focus stays put.
 */
import type { ModelChange } from '../call-model.js';
import type { CallKitController } from '../controller.js';
import { h, ICONS } from '../dom.js';
import { type CallKitTexts, formatDuration } from '../texts.js';
import { devicesPanel, invitePanel } from './panels.js';
import { control } from './parts.js';
import { makeDraggable, type TileState, TileView } from './tile.js';

/** Tiles shown in a group call (the local one included). */
export const MAX_TILES = 16;

export class InCallView {
  readonly element: HTMLElement;
  private readonly stage = h('div', { class: 'stage' });
  private readonly controls = h('div', { class: 'controls', role: 'toolbar' });
  private readonly banner: HTMLElement;
  private readonly timer = h('span', { class: 'timer', 'data-testid': 'callkit-timer', role: 'timer', 'aria-live': 'off' });
  private readonly title = h('span', { 'data-testid': 'callkit-title' });
  private readonly tiles = new Map<string, TileView>();
  private panel: { kind: 'devices' | 'invite'; element: HTMLElement } | undefined;
  private readonly tick: ReturnType<typeof setInterval>;

  constructor(
    private readonly kit: CallKitController,
    private readonly t: CallKitTexts,
  ) {
    this.banner = h('div', { class: 'banner', 'data-testid': 'callkit-reconnecting', role: 'status' }, t.reconnecting);
    this.element = h(
      'section',
      { class: 'screen', 'aria-labelledby': 'ck-title', 'data-testid': 'callkit-call' },
      h('h2', { id: 'ck-title', class: 'sr' }, kit.model.video ? t.videoCall : t.audioCall),
      h('div', { class: 'top' }, this.title, this.timer),
      this.banner,
      this.stage,
      this.controls,
    );
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.panel) this.closePanel();
    });
    this.tick = setInterval(() => this.updateTimer(), 1000);
    this.update('screen');
  }

  update(change: ModelChange): void {
    const { model } = this.kit;
    if (change === 'screen' || change === 'controls') this.renderControls();
    if (change !== 'banner') this.renderTiles();
    this.banner.hidden = !model.reconnecting;
    this.title.textContent = model.view === 'connecting' ? this.t.connecting : model.video ? this.t.videoCall : this.t.audioCall;
    this.updateTimer();
  }

  destroy(): void {
    clearInterval(this.tick);
  }

  /** The first control, for the screen's initial focus. */
  firstControl(): HTMLElement | null {
    return this.controls.querySelector('button');
  }

  private updateTimer(): void {
    const { connectedAt } = this.kit.model;
    this.timer.textContent = connectedAt === undefined ? '' : formatDuration(Date.now() - connectedAt);
  }

  private renderTiles(): void {
    const { model } = this.kit;
    const states: TileState[] = [this.selfState()];
    for (const p of model.participants.values()) {
      states.push({
        userId: p.userId,
        name: this.kit.displayName(p.userId),
        ...(this.kit.avatarOf(p.userId) ? { portraitUri: this.kit.avatarOf(p.userId) as string } : {}),
        self: false,
        ...(model.video && p.videoTrack ? { video: p.videoTrack } : {}),
        videoVersion: p.videoVersion,
        videoMuted: p.videoMuted,
        audioMuted: p.audioMuted,
        waiting: p.waiting,
        quality: p.quality,
        speaking: model.group && model.activeSpeaker === p.userId,
      });
    }
    const shown = states.slice(0, MAX_TILES);
    const ids = new Set(shown.map((s) => s.userId));
    for (const [userId, tile] of this.tiles) {
      if (!ids.has(userId)) {
        tile.element.remove();
        this.tiles.delete(userId);
      }
    }
    const oneToOne = !model.group;
    this.stage.className = `stage ${oneToOne ? 'one' : 'grid'}`;
    this.stage.style.setProperty('--cols', String(Math.ceil(Math.sqrt(shown.length))));
    for (const state of shown) {
      let tile = this.tiles.get(state.userId);
      if (!tile) {
        tile = new TileView(state.userId, this.t, state);
        this.tiles.set(state.userId, tile);
        if (oneToOne && state.self) makeDraggable(tile.element, this.t.yourVideo);
      } else tile.update(state);
      tile.element.classList.toggle('pip', oneToOne && state.self);
      tile.element.classList.toggle('remote', oneToOne && !state.self);
      if (tile.element.parentElement !== this.stage) this.stage.append(tile.element);
    }
  }

  private selfState(): TileState {
    const { model } = this.kit;
    return {
      userId: model.selfId,
      name: this.kit.displayName(model.selfId),
      self: true,
      ...(model.video && model.localVideo ? { video: model.localVideo } : {}),
      videoVersion: model.localVideoVersion,
      videoMuted: model.cameraOff,
      audioMuted: model.micMuted,
      waiting: false,
      quality: model.localQuality,
      speaking: model.group && model.activeSpeaker === model.selfId,
    };
  }

  private renderControls(): void {
    const { model } = this.kit;
    const t = this.t;
    const focused = (this.element.getRootNode() as ShadowRoot | Document).activeElement?.getAttribute('data-testid');
    const buttons = [
      control({
        testId: 'callkit-mic',
        label: model.micMuted ? t.micOn : t.micOff,
        path: model.micMuted ? ICONS.micOff : ICONS.mic,
        pressed: model.micMuted,
        onClick: () => void this.kit.toggleMic(),
      }),
    ];
    if (model.video) {
      buttons.push(
        control({
          testId: 'callkit-camera',
          label: model.cameraOff ? t.cameraOn : t.cameraOff,
          path: model.cameraOff ? ICONS.cameraOff : ICONS.camera,
          pressed: model.cameraOff,
          onClick: () => void this.kit.toggleCamera(),
        }),
        control({
          testId: 'callkit-switch-camera',
          label: t.switchCamera,
          path: ICONS.switchCamera,
          onClick: () => void this.kit.switchCamera(),
        }),
      );
    }
    buttons.push(control({ testId: 'callkit-devices', label: t.devices, path: ICONS.devices, onClick: () => this.togglePanel('devices') }));
    if (model.video) {
      buttons.push(
        control({ testId: 'callkit-downgrade', label: t.downgrade, path: ICONS.audioOnly, onClick: () => void this.kit.downgrade() }),
      );
    }
    if (model.group)
      buttons.push(control({ testId: 'callkit-invite', label: t.invite, path: ICONS.invite, onClick: () => this.togglePanel('invite') }));
    buttons.push(
      control({ testId: 'callkit-hangup', label: t.hangup, path: ICONS.hangup, tone: 'no', onClick: () => void this.kit.hangup() }),
    );
    this.controls.replaceChildren(...buttons);
    if (focused) (this.controls.querySelector(`[data-testid="${focused}"]`) as HTMLElement | null)?.focus();
  }

  private togglePanel(kind: 'devices' | 'invite'): void {
    const same = this.panel?.kind === kind;
    this.closePanel();
    if (same) return;
    const close = () => this.closePanel();
    const element = kind === 'devices' ? devicesPanel(this.kit, this.t, close) : invitePanel(this.kit, this.t, close);
    this.panel = { kind, element };
    this.element.append(element);
    (element.querySelector('select, input') as HTMLElement | null)?.focus();
  }

  private closePanel(): void {
    if (!this.panel) return;
    const kind = this.panel.kind;
    this.panel.element.remove();
    this.panel = undefined;
    (this.controls.querySelector(`[data-testid="callkit-${kind}"]`) as HTMLElement | null)?.focus();
  }
}
