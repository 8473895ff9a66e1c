/** CallLib's default push title when the app gives none (per `lang` and media type). */
export function defaultPushTitle(lang: 'zh' | 'en', mediaType: 1 | 2): string {
  if (lang === 'en') return mediaType === 1 ? 'You have a voice call' : 'You have a video call';
  return mediaType === 1 ? '您有一条音频通话' : '您有一条视频通话';
}
