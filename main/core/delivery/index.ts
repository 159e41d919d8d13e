/**
 * Delivery: desktop pop-ups and the in-app list, and the detectors and scheduler that raise
 * derived events (high-SMS bursts, usage thresholds, appointment reminders, mute expiries).
 */
export { DeliveryEngine, type DeliveryEngineOptions } from './delivery-engine';
export {
  createEventDescriber,
  missedRemindersIdPrefix,
  type DescriberLookups,
  type Description,
  type EventDescriber,
} from './describe';
export { HighSmsDetector, type HighSmsDetectorOptions } from './high-sms-detector';
export {
  MuteExpiryWatcher,
  type MuteExpiry,
  type MuteExpiryWatcherOptions,
} from './mute-expiry-watcher';
export { DbusNotifier, type DbusNotifierOptions } from './dbus/dbus-notifier';
export { sessionBusAddress } from './dbus/session-bus';
export { createNodeNotifier, type NodeNotifierOptions } from './node-notifier';
export { chooseNotifier, type NotifierChoice, type NotifierKind } from './notifier-choice';
export { ReminderScheduler, type ReminderSchedulerOptions } from './reminder-scheduler';
export {
  bodyLimits,
  sanitizeNotificationText,
  titleLimits,
  utf8ByteLength,
  type TextLimits,
} from './sanitize';
export { UsageDetector, type UsageDetectorOptions } from './usage-detector';
