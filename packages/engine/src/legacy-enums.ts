/**
 * Enums of RongCloud's engine (`RCEngine`, `@rongcloud/engine`) that the wire protocol does not need
 * but apps read: same names and values as RongCloud's. OpenCall carries no IM messages, so most of
 * these only let app code written against them load and compare.
 */

/** IMLib 2.x / 4.x connection status (`RCEngine.ConnectionStatus`, `RongIMLib.ConnectionStatus`). */
export enum ConnectionStatus {
  CONNECTED = 0,
  CONNECTING = 1,
  DISCONNECTED = 2,
  NETWORK_UNAVAILABLE = 3,
  CONNECTION_CLOSED = 4,
  KICKED_OFFLINE_BY_OTHER_CLIENT = 6,
  WEBSOCKET_UNAVAILABLE = 7,
  WEBSOCKET_ERROR = 8,
  BLOCKED = 9,
  DOMAIN_INCORRECT = 12,
  APPKEY_IS_FAKE = 20,
  ULTRALIMIT = 1101,
  REQUEST_NAVI = 201,
  RESPONSE_NAVI = 202,
  RESPONSE_NAVI_ERROR = 203,
  RESPONSE_NAVI_TIMEOUT = 204,
}

export enum MessageDirection {
  SEND = 1,
  RECEIVE = 2,
}

export enum ReceivedStatus {
  UNREAD = 0,
  READ = 1,
  LISTENED = 2,
  DOWNLOADED = 4,
  RETRIEVED = 8,
}

export enum MentionedType {
  ALL = 1,
  SINGAL = 2,
}

export enum NotificationStatus {
  OPEN = 1,
  CLOSE = 2,
}

export enum FileType {
  IMAGE = 1,
  AUDIO = 2,
  VIDEO = 3,
  FILE = 4,
  SIGHT = 5,
  COMBINE_HTML = 6,
}

export enum UploadMethod {
  QINIU = 1,
  ALI = 2,
}

/** The RTC room mode a plugin joins with (CallLib joins `RTC`). */
export enum RTCMode {
  RTC = 0,
  LIVE = 2,
  SIP = 4,
  CALL = 5,
  MEETING = 6,
  CROSS_MUTI = 7,
  CROSS_LIVE = 8,
}

export enum HttpMethod {
  GET = 'GET',
  POST = 'POST',
}

/** Built-in IM message type names (`RCEngine.MessageType.TextMessage === 'RC:TxtMsg'`). */
export enum MessageType {
  TextMessage = 'RC:TxtMsg',
  VOICE = 'RC:VcMsg',
  HQ_VOICE = 'RC:HQVCMsg',
  IMAGE = 'RC:ImgMsg',
  GIF = 'RC:GIFMsg',
  RICH_CONTENT = 'RC:ImgTextMsg',
  LOCATION = 'RC:LBSMsg',
  FILE = 'RC:FileMsg',
  SIGHT = 'RC:SightMsg',
  COMBINE = 'RC:CombineMsg',
  CHRM_KV_NOTIFY = 'RC:chrmKVNotiMsg',
  LOG_COMMAND = 'RC:LogCmdMsg',
  EXPANSION_NOTIFY = 'RC:MsgExMsg',
  REFERENCE = 'RC:ReferenceMsg',
  RECALL = 'RC:RcCmd',
  READ_RECEIPT = 'RC:ReadNtf',
  READ_RECEIPT_REQUEST = 'RC:RRReqMsg',
  READ_RECEIPT_RESPONSE = 'RC:RRRspMsg',
  SYNC_READ_STATUS = 'RC:SRSMsg',
}

/** The seven CallLib signalling message types, each mapped to itself (`RCEngine.CallLibMsgType`). */
export const CallLibMsgType = {
  'RC:VCAccept': 'RC:VCAccept',
  'RC:VCRinging': 'RC:VCRinging',
  'RC:VCSummary': 'RC:VCSummary',
  'RC:VCHangup': 'RC:VCHangup',
  'RC:VCInvite': 'RC:VCInvite',
  'RC:VCModifyMedia': 'RC:VCModifyMedia',
  'RC:VCModifyMem': 'RC:VCModifyMem',
} as const;
