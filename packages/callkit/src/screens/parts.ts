/** Pieces every screen uses: the control button and the avatar. */
import { h, icon } from '../dom.js';

export interface ControlOptions {
  testId: string;
  label: string;
  path: string;
  tone?: 'ok' | 'no';
  pressed?: boolean;
  onClick: () => void;
}

/** A round control with its words under it; `pressed` makes it a toggle (`aria-pressed`). */
export function control(options: ControlOptions): HTMLButtonElement {
  return h(
    'button',
    {
      type: 'button',
      class: `ctl${options.tone ? ` ${options.tone}` : ''}`,
      'data-testid': options.testId,
      'aria-pressed': options.pressed === undefined ? undefined : String(options.pressed),
      onclick: () => options.onClick(),
    },
    h('span', { class: 'disc' }, icon(options.path)),
    h('span', { class: 'text' }, options.label),
  );
}

/** The user's picture, or the first letter of the name on a disc. */
export function avatar(name: string, portraitUri: string | undefined): HTMLElement {
  const disc = h('div', { class: 'avatar', 'aria-hidden': 'true' });
  if (portraitUri && /^(https?:|data:image\/)/.test(portraitUri)) disc.append(h('img', { src: portraitUri, alt: '' }));
  else disc.textContent = [...name.trim()][0]?.toUpperCase() ?? '?';
  return disc;
}
