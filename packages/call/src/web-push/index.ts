/** Entry of `/sdk/RCCallWebPush.js` (global `RCCallWebPush`); README "Web Push". */
export { type EnableWebPushOptions, disable, enable, notificationAction, takeAnswerRequest, type WebPushRegistration } from './enable-web-push.js';
