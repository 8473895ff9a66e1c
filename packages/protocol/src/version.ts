/** Version of the OpenCall WebSocket protocol. Bumped on any incompatible wire change. */
export const PROTOCOL_VERSION = 1;

/** Largest WebSocket frame (bytes) either side accepts. SDP offers stay well below this. */
export const MAX_FRAME_BYTES = 64 * 1024;

/** Largest server-API request body (bytes), as RongCloud (code 1508: body over 100 KB). */
export const MAX_REST_BODY_BYTES = 100 * 1024;

/** Default interval between client heartbeats, announced by the server in `welcome`. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/** Default no-answer timeout of an invite (CallLib's fixed 60 s). */
export const DEFAULT_RING_TIMEOUT_MS = 60_000;

/** Samples one `call.telemetry` batch may carry (a 4-party video call sampled every 2 s for 10 s needs ~60). */
export const MAX_TELEMETRY_SAMPLES = 400;
/** Samples a hang-up may carry as the device's last batch (more go as `call.telemetry` frames). */
export const MAX_HANGUP_TELEMETRY_SAMPLES = 100;

/** Path of the IM WebSocket endpoint on the server. */
export const IM_WEBSOCKET_PATH = '/ws';
