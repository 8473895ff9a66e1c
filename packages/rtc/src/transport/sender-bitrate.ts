/** Caps (or uncaps, with `undefined`) the send bitrate of an RTCRtpSender's first encoding, in kbps. */
export async function applyMaxBitrate(sender: RTCRtpSender, maxKbps: number | undefined): Promise<void> {
  const params = sender.getParameters();
  const encoding = params.encodings?.[0];
  if (!encoding) return;
  if (maxKbps === undefined) delete encoding.maxBitrate;
  else encoding.maxBitrate = Math.round(maxKbps * 1000);
  await sender.setParameters(params);
}
