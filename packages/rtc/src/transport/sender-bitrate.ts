/** Caps (or uncaps, with `undefined`) the send bitrate of an RTCRtpSender's first encoding, in kbps. */
export async function applyMaxBitrate(sender: RTCRtpSender, maxKbps: number | undefined): Promise<void> {
  const params = sender.getParameters();
  const encoding = params.encodings?.[0];
  if (!encoding) return;
  if (maxKbps === undefined) delete encoding.maxBitrate;
  else encoding.maxBitrate = Math.round(maxKbps * 1000);
  await sender.setParameters(params);
}

/**
 * Makes the sender's encoder start over with a key frame: the first encoding is switched off and on
 * (browsers have no direct "send a key frame" call outside encoded transforms). Used after the path
 * under a connection changed, when the receiver lost its reference frames. An encoding someone
 * switched off stays off.
 */
export async function refreshKeyFrame(sender: RTCRtpSender): Promise<void> {
  if (sender.getParameters().encodings?.[0]?.active === false) return;
  for (const active of [false, true]) {
    const params = sender.getParameters();
    const encoding = params.encodings?.[0];
    if (!encoding) return;
    encoding.active = active;
    await sender.setParameters(params);
  }
}
