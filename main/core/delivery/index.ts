/**
 * Delivery: desktop pop-ups and the in-app list, what they say, the local reminder schedule (for
 * pop-ups while the link is down) and mute expiries.
 */
export {
  DeliveryEngine,
  type DeliveryEngineOptions,
  type SettledDelivery,
} from './delivery-engine';
export {
  createEventDescriber,
  isSampleEventId,
  sampleEventIdPrefix,
  type DescriberLookups,
  type Description,
  type EventDescriber,
} from './describe';
export { LocalReminders, type LocalRemindersOptions } from './local-reminders';
export { type PopupCommand } from './popup-commands';
export {
  MuteExpiryWatcher,
  type MuteExpiry,
  type MuteExpiryWatcherOptions,
} from './mute-expiry-watcher';
export { DbusNotifier, type DbusNotifierOptions } from './dbus/dbus-notifier';
export { sessionBusAddress } from './dbus/session-bus';
export { createNodeNotifier, type NodeNotifierOptions } from './node-notifier';
export { chooseNotifier, type NotifierChoice, type NotifierKind } from './notifier-choice';
export {
  bodyLimits,
  sanitizeNotificationText,
  titleLimits,
  utf8ByteLength,
  type TextLimits,
} from './sanitize';
