/** `RCRTC.device`: media device lists. */
import { BrowserMediaCapture, type MediaCapture } from './media/media-capture.js';

function byKind(capture: MediaCapture, kind: MediaDeviceKind): Promise<MediaDeviceInfo[]> {
  return capture
    .enumerateDevices()
    .then((devices) => devices.filter((d) => d.kind === kind))
    .catch(() => []);
}

export function createDeviceApi(capture: MediaCapture = new BrowserMediaCapture()) {
  return {
    /** Video inputs. */
    getCameras: () => byKind(capture, 'videoinput'),
    /** Audio inputs. */
    getMicrophones: () => byKind(capture, 'audioinput'),
    /** Audio outputs. */
    getSpeakers: () => byKind(capture, 'audiooutput'),
  };
}

export const device = createDeviceApi();
