/**
 * The one sanitiser of text reaching a person lives in `common/sanitize.ts` (the service's
 * outcomes use it too); delivery imports it from here so its files keep one local name for it.
 */
export {
  bodyLimits,
  sanitizeNotificationText,
  titleLimits,
  utf8ByteLength,
  type TextLimits,
} from '../../../common/sanitize';
