/**
 * `<opencall-callkit>`: the call overlay. Hidden while idle; shows the incoming sheet, the outgoing
 * screen, the call, and the end screen as the controller's view moves. Announces incoming calls in
 * an ARIA live region, moves focus into each screen and gives it back when the overlay closes.
 */
import type { CallModel, ModelChange } from './call-model.js';
import type { CallKitController } from './controller.js';
import { h } from './dom.js';
import { endedScreen } from './screens/ended.js';
import { InCallView } from './screens/in-call.js';
import { incomingScreen, outgoingScreen } from './screens/ringing.js';
import { CALLKIT_CSS } from './styles.js';
import { type CallKitLang, type CallKitTexts, resolveLang, TEXTS } from './texts.js';

export const CALLKIT_TAG = 'opencall-callkit';

const BaseElement = (globalThis.HTMLElement ?? class {}) as typeof HTMLElement;

export class CallKitElement extends BaseElement {
  private controller: CallKitController | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly shadow: ShadowRoot;
  private readonly live: HTMLElement;
  private readonly holder: HTMLElement;
  private inCall: InCallView | undefined;
  private shownView: CallModel['view'] = 'idle';
  private focusBefore: HTMLElement | undefined;
  private textLang: CallKitLang = 'en';

  constructor() {
    super();
    this.shadow = this.attachShadow({ mode: 'open' });
    this.live = h('div', { class: 'sr', 'aria-live': 'assertive', role: 'status', 'data-testid': 'callkit-live' });
    this.holder = h('div');
    this.shadow.append(h('style', {}, CALLKIT_CSS), this.live, this.holder);
  }

  connectedCallback(): void {
    // Attributes may not be set in the constructor of a custom element.
    this.dataset.view = this.shownView;
  }

  static get observedAttributes(): string[] {
    return ['lang'];
  }

  attributeChangedCallback(): void {
    this.textLang = resolveLang(this.getAttribute('lang') ?? undefined);
    if (this.controller) this.render(this.controller.model, 'screen');
  }

  get texts(): CallKitTexts {
    return TEXTS[this.textLang];
  }

  /** Shows `controller`'s calls (one controller per element). */
  bind(controller: CallKitController): void {
    this.unsubscribe?.();
    this.controller = controller;
    this.unsubscribe = controller.onChange((model, change) => this.render(model, change));
    this.render(controller.model, 'screen');
  }

  disconnectedCallback(): void {
    this.inCall?.destroy();
  }

  private render(model: CallModel, change: ModelChange): void {
    const kit = this.controller;
    if (!kit) return;
    const inCallView = model.view === 'connecting' || model.view === 'active';
    if (change !== 'screen' && model.view === this.shownView) {
      if (inCallView) this.inCall?.update(change);
      else if (change === 'participants' && (model.view === 'incoming' || model.view === 'outgoing')) this.showScreen(model, kit, false);
      return;
    }
    if (inCallView && this.inCall && (this.shownView === 'connecting' || this.shownView === 'active')) {
      this.shownView = model.view;
      this.inCall.update('screen');
      return;
    }
    this.showScreen(model, kit, true);
  }

  private showScreen(model: CallModel, kit: CallKitController, moveFocus: boolean): void {
    const t = this.texts;
    if (this.shownView === 'idle' && model.view !== 'idle') {
      const active = document.activeElement;
      this.focusBefore = active instanceof HTMLElement && (active as unknown) !== this ? active : undefined;
    }
    this.inCall?.destroy();
    this.inCall = undefined;
    this.shownView = model.view;
    this.dataset.view = model.view;
    let screen: HTMLElement | undefined;
    let focus: HTMLElement | null = null;
    switch (model.view) {
      case 'idle':
        this.live.textContent = '';
        break;
      case 'incoming': {
        screen = incomingScreen(kit, t);
        focus = screen.querySelector('[data-testid="callkit-accept"]');
        if (moveFocus) this.live.textContent = screen.querySelector('#ck-sub')?.textContent ?? '';
        break;
      }
      case 'outgoing': {
        screen = outgoingScreen(kit, t, this.preview(model));
        focus = screen.querySelector('[data-testid="callkit-cancel"]');
        break;
      }
      case 'connecting':
      case 'active':
        this.inCall = new InCallView(kit, t);
        screen = this.inCall.element;
        focus = this.inCall.firstControl();
        break;
      case 'ended':
        screen = endedScreen(kit, t);
        focus = screen.querySelector('[data-testid="callkit-end-close"]');
        this.live.textContent = screen.querySelector('[data-testid="callkit-end-reason"]')?.textContent ?? '';
        break;
    }
    this.holder.replaceChildren(...(screen ? [screen] : []));
    if (model.view === 'idle') {
      this.focusBefore?.focus();
      this.focusBefore = undefined;
    } else if (moveFocus) focus?.focus();
  }

  /** The local camera behind the outgoing screen. */
  private preview(model: CallModel): HTMLVideoElement | undefined {
    if (!model.video || !model.localVideo) return undefined;
    const video = h('video', { class: 'preview', muted: true, playsinline: true, autoplay: true, 'aria-hidden': 'true' });
    video.muted = true;
    void model.localVideo.play(video);
    return video;
  }
}

/** Registers `<opencall-callkit>` once (safe to call again). */
export function defineCallKitElement(): void {
  if (typeof customElements === 'undefined' || customElements.get(CALLKIT_TAG)) return;
  customElements.define(CALLKIT_TAG, CallKitElement);
}
