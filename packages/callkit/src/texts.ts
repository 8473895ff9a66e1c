/** CallKit's words in zh-CN and en (the end reasons are in end-reasons.ts). */
import { END_REASONS_EN, END_REASONS_ZH_CN, type EndReasonTable } from './end-reasons.js';

export type CallKitLang = 'en' | 'zh-CN';

export interface CallKitTexts {
  incomingVideo: (name: string) => string;
  incomingAudio: (name: string) => string;
  incomingGroup: (name: string, count: number) => string;
  calling: (name: string) => string;
  connecting: string;
  accept: string;
  acceptAudio: string;
  decline: string;
  cancel: string;
  hangup: string;
  micOff: string;
  micOn: string;
  cameraOff: string;
  cameraOn: string;
  switchCamera: string;
  devices: string;
  microphone: string;
  camera: string;
  speaker: string;
  systemDefault: string;
  downgrade: string;
  invite: string;
  inviteHint: string;
  inviteSend: string;
  close: string;
  reconnecting: string;
  you: string;
  videoCall: string;
  audioCall: string;
  callEnded: string;
  duration: (time: string) => string;
  muted: string;
  cameraIsOff: string;
  yourVideo: string;
  quality: Record<'good' | 'fair' | 'poor' | 'unknown', string>;
  waiting: string;
  unknownReason: string;
  endReasons: EndReasonTable;
}

export const TEXTS: Readonly<Record<CallKitLang, CallKitTexts>> = {
  en: {
    incomingVideo: (name) => `${name} is video calling you`,
    incomingAudio: (name) => `${name} is calling you`,
    incomingGroup: (name, count) => `${name} invites you to a group call (${count} people)`,
    calling: (name) => `Calling ${name}…`,
    connecting: 'Connecting…',
    accept: 'Accept',
    acceptAudio: 'Answer with audio only',
    decline: 'Decline',
    cancel: 'Cancel',
    hangup: 'Hang up',
    micOff: 'Mute microphone',
    micOn: 'Unmute microphone',
    cameraOff: 'Turn camera off',
    cameraOn: 'Turn camera on',
    switchCamera: 'Switch camera',
    devices: 'Devices',
    microphone: 'Microphone',
    camera: 'Camera',
    speaker: 'Speaker',
    systemDefault: 'System default',
    downgrade: 'Switch to audio only',
    invite: 'Invite',
    inviteHint: 'User ids, separated by commas',
    inviteSend: 'Send invites',
    close: 'Close',
    reconnecting: 'Reconnecting…',
    you: 'You',
    videoCall: 'Video call',
    audioCall: 'Audio call',
    callEnded: 'Call ended',
    duration: (time) => `Duration ${time}`,
    muted: 'Microphone muted',
    cameraIsOff: 'Camera off',
    yourVideo: 'Your video: drag, or use the arrow keys, to move it',
    quality: { good: 'Good connection', fair: 'Fair connection', poor: 'Poor connection', unknown: 'Connection quality unknown' },
    waiting: 'Ringing…',
    unknownReason: 'The call ended',
    endReasons: END_REASONS_EN,
  },
  'zh-CN': {
    incomingVideo: (name) => `${name} 邀请您视频通话`,
    incomingAudio: (name) => `${name} 邀请您语音通话`,
    incomingGroup: (name, count) => `${name} 邀请您加入多人通话（${count} 人）`,
    calling: (name) => `正在呼叫 ${name}…`,
    connecting: '正在连接…',
    accept: '接听',
    acceptAudio: '语音接听',
    decline: '拒绝',
    cancel: '取消',
    hangup: '挂断',
    micOff: '关闭麦克风',
    micOn: '打开麦克风',
    cameraOff: '关闭摄像头',
    cameraOn: '打开摄像头',
    switchCamera: '切换摄像头',
    devices: '设备',
    microphone: '麦克风',
    camera: '摄像头',
    speaker: '扬声器',
    systemDefault: '系统默认',
    downgrade: '切换为语音通话',
    invite: '邀请',
    inviteHint: '用户 ID，用逗号分隔',
    inviteSend: '发送邀请',
    close: '关闭',
    reconnecting: '正在重新连接…',
    you: '我',
    videoCall: '视频通话',
    audioCall: '语音通话',
    callEnded: '通话已结束',
    duration: (time) => `通话时长 ${time}`,
    muted: '麦克风已关闭',
    cameraIsOff: '摄像头已关闭',
    yourVideo: '我的画面：可拖动，或用方向键移动',
    quality: { good: '网络良好', fair: '网络一般', poor: '网络较差', unknown: '网络状况未知' },
    waiting: '等待接听…',
    unknownReason: '通话已结束',
    endReasons: END_REASONS_ZH_CN,
  },
};

/** `en` for any English tag, `zh-CN` for any Chinese one; `en` otherwise. */
export function resolveLang(tag: string | undefined): CallKitLang {
  return tag?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** The end reason in words: `reason` is an `RCCallEndReason` value, `names` the SDK's enum object. */
export function endReasonText(texts: CallKitTexts, names: Record<string, string | number>, reason: number | null | undefined): string {
  if (reason === null || reason === undefined) return texts.unknownReason;
  const name = names[reason];
  if (typeof name === 'string' && name in texts.endReasons) return texts.endReasons[name as keyof EndReasonTable];
  return texts.unknownReason;
}

/** `m:ss`, or `h:mm:ss` from one hour on. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}
