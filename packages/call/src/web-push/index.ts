/** Entry of `/sdk/RCCallWebPush.js` (global `RCCallWebPush`); README "Web Push". */
export {
  disable,
  type EnableWebPushOptions,
  enable,
  notificationAction,
  takeAnswerRequest,
  type WebPushRegistration,
} from './enable-web-push.js';
