/**
 * Synthetic VP8 RTP for load generation: packets with a valid RTP header, VP8 payload descriptor and
 * (on keyframes) VP8 keyframe header, filled with a constant byte. An SFU forwards them like real
 * video without anyone spending CPU on encoding; they are not decodable pictures.
 */

export interface Vp8Frame {
  ssrc: number;
  payloadType: number;
  /** Sequence number of the frame's first packet (wraps at 2^16). */
  seq: number;
  /** RTP timestamp (90 kHz clock). */
  timestamp: number;
  keyframe: boolean;
  packets: number;
  /** Bytes after the 1-byte payload descriptor, per packet. */
  payloadBytes: number;
}

const RTP_HEADER = 12;
/** VP8 keyframe start code, then width 640 and height 480 (14-bit little-endian, no scaling). */
const KEYFRAME_HEADER = [0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01];

/** The RTP packets of one frame; the last one carries the marker bit. */
export function vp8FramePackets(o: Vp8Frame): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < o.packets; i++) {
    const p = Buffer.alloc(RTP_HEADER + 1 + o.payloadBytes, 0x5a);
    p[0] = 0x80;
    p[1] = (i === o.packets - 1 ? 0x80 : 0) | (o.payloadType & 0x7f);
    p.writeUInt16BE((o.seq + i) & 0xffff, 2);
    p.writeUInt32BE(o.timestamp >>> 0, 4);
    p.writeUInt32BE(o.ssrc >>> 0, 8);
    p[12] = i === 0 ? 0x10 : 0x00; // VP8 payload descriptor: S bit on the frame's first packet, partition 0
    if (i === 0) {
      // VP8 frame tag: bit 0 = 0 for a keyframe, show_frame; keyframes carry the start code and 640×480.
      p[13] = o.keyframe ? 0x10 : 0x11;
      p[14] = 0x02;
      p[15] = 0x00;
      if (o.keyframe) p.set(KEYFRAME_HEADER, 16);
    }
    out.push(p);
  }
  return out;
}
