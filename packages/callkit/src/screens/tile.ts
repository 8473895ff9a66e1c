/** One participant's tile: video (or avatar), name, microphone state, network-quality badge. */
import { h, ICONS, icon } from '../dom.js';
import type { Quality } from '../quality.js';
import type { RCTrack } from '../sdk.js';
import type { CallKitTexts } from '../texts.js';
import { avatar } from './parts.js';

export interface TileState {
  userId: string;
  name: string;
  portraitUri?: string;
  self: boolean;
  video?: RCTrack;
  /** Changes when the video must be played again (new media on the same track). */
  videoVersion: number;
  videoMuted: boolean;
  audioMuted: boolean;
  waiting: boolean;
  quality: Quality;
  speaking: boolean;
}

export class TileView {
  readonly element: HTMLElement;
  private readonly video: HTMLVideoElement;
  private readonly face: HTMLElement;
  private readonly nameLabel: HTMLElement;
  private readonly mutedIcon: HTMLElement;
  private readonly badge: HTMLElement;
  private playing: RCTrack | undefined;
  private playedVersion = -1;

  constructor(
    readonly userId: string,
    private readonly t: CallKitTexts,
    state: TileState,
  ) {
    this.video = h('video', { 'data-testid': 'callkit-video', muted: true, playsinline: true, autoplay: true });
    this.video.muted = true;
    this.face = avatar(state.name, state.portraitUri);
    this.nameLabel = h('span', { class: 'name' });
    this.mutedIcon = h('span', { 'data-testid': 'callkit-tile-muted', role: 'img', 'aria-label': t.muted }, icon(ICONS.micOff));
    this.badge = h('span', { class: 'q', 'data-testid': 'callkit-quality', role: 'img' }, h('i'), h('i'), h('i'));
    this.element = h(
      'div',
      { class: 'tile', 'data-testid': 'callkit-tile', 'data-user-id': userId, role: 'group' },
      this.face,
      this.video,
      h('div', { class: 'label' }, this.nameLabel, this.mutedIcon, this.badge),
    );
    this.update(state);
  }

  update(state: TileState): void {
    const label = state.self ? `${state.name} (${this.t.you})` : state.name;
    this.nameLabel.textContent = label;
    this.element.setAttribute('aria-label', label);
    this.element.dataset.audioMuted = String(state.audioMuted);
    this.element.dataset.videoMuted = String(state.videoMuted);
    this.element.dataset.waiting = String(state.waiting);
    this.element.dataset.speaking = String(state.speaking);
    this.mutedIcon.hidden = !state.audioMuted;
    this.badge.dataset.quality = state.quality;
    this.badge.setAttribute('aria-label', this.t.quality[state.quality]);
    this.badge.title = this.t.quality[state.quality];
    const showVideo = state.video !== undefined && !state.videoMuted;
    this.video.hidden = !showVideo;
    this.face.hidden = showVideo;
    if (state.video && (state.video !== this.playing || state.videoVersion !== this.playedVersion)) {
      this.playing = state.video;
      this.playedVersion = state.videoVersion;
      void state.video.play(this.video);
    } else if (!state.video && this.playing) {
      this.playing = undefined;
      this.video.srcObject = null;
    }
  }
}

/** Lets the picture-in-picture tile be dragged with a pointer or moved with the arrow keys. */
export function makeDraggable(element: HTMLElement, label: string): void {
  element.tabIndex = 0;
  element.setAttribute('aria-label', label);
  element.setAttribute('aria-roledescription', 'draggable');
  const moveTo = (x: number, y: number) => {
    const parent = element.offsetParent as HTMLElement | null;
    const maxX = (parent?.clientWidth ?? window.innerWidth) - element.offsetWidth;
    const maxY = (parent?.clientHeight ?? window.innerHeight) - element.offsetHeight;
    element.style.left = `${Math.min(Math.max(0, x), Math.max(0, maxX))}px`;
    element.style.top = `${Math.min(Math.max(0, y), Math.max(0, maxY))}px`;
    element.style.right = 'auto';
  };
  let grab: { dx: number; dy: number } | undefined;
  element.addEventListener('pointerdown', (event) => {
    grab = { dx: event.clientX - element.offsetLeft, dy: event.clientY - element.offsetTop };
    element.setPointerCapture(event.pointerId);
  });
  element.addEventListener('pointermove', (event) => {
    if (grab) moveTo(event.clientX - grab.dx, event.clientY - grab.dy);
  });
  const release = () => {
    grab = undefined;
  };
  element.addEventListener('pointerup', release);
  element.addEventListener('pointercancel', release);
  const STEP = 24;
  const keys: Record<string, [number, number]> = {
    ArrowLeft: [-STEP, 0],
    ArrowRight: [STEP, 0],
    ArrowUp: [0, -STEP],
    ArrowDown: [0, STEP],
  };
  element.addEventListener('keydown', (event) => {
    const step = keys[event.key];
    if (!step) return;
    event.preventDefault();
    moveTo(element.offsetLeft + step[0], element.offsetTop + step[1]);
  });
}
