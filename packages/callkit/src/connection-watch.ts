/**
 * Whether signaling or media is recovering, for the "Reconnecting…" banner: IMLib's connection
 * events (`CONNECTING` / `SUSPEND` / `DISCONNECT` down, `CONNECTED` up), the session's `onPing`
 * results and its ICE state (`disconnected` / `failed` down, `connected` / `completed` up).
 */
import type { ImLibModule } from './sdk.js';

export class ConnectionWatch {
  private signalingDown = false;
  private mediaDown = false;

  /** `onChange` runs after every signal; `recovering` says whether either side is down. */
  constructor(private readonly onChange: () => void) {}

  get recovering(): boolean {
    return this.signalingDown || this.mediaDown;
  }

  /** Listens to IMLib's connection events (when the SDK passed in has IMLib). */
  watch(im: ImLibModule | undefined): void {
    if (!im) return;
    const on = (name: string, down: boolean) => {
      const event = im.Events[name];
      if (event) im.addEventListener(event, () => this.signaling(!down));
    };
    on('CONNECTING', true);
    on('SUSPEND', true);
    on('DISCONNECT', true);
    on('CONNECTED', false);
  }

  signaling(up: boolean): void {
    this.signalingDown = !up;
    this.onChange();
  }

  /** `RCRTCPingResult`: 'Success' or 'Fail'. */
  ping(result: string): void {
    this.signaling(result === 'Success');
  }

  ice(state: string): void {
    if (state === 'disconnected' || state === 'failed') this.mediaDown = true;
    else if (state === 'connected' || state === 'completed') this.mediaDown = false;
    this.onChange();
  }

  /** A new call starts with its media up (signaling keeps its last known state). */
  resetMedia(): void {
    this.mediaDown = false;
  }
}
