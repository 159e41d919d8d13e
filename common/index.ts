export * from './alert-types';
export * from './contact-points';
export * from './defaults';
export * from './events';
export * from './preferences';
export * from './preferences-v1';
export * from './locks';
export * from './time-zone';
export * from './mute-durations';
export * from './validation';
export * from './policy/context';
export * from './policy/decide';
export * from './policy/diagnose';
export {
  activeUntil,
  destinationFor,
  effectiveLeadThreshold,
  isLineChosen,
  lockHoldingOn,
  nextQuietBoundary,
} from './policy/gates';
export * from './delivery-report';
export * from './status';
export * from './service-api';
export * from './protocol-versions';
export * from './team-api';
export * from './ipc-contract';
export * from './detectors';
export * from './sanitize';
export * from './outbound';
export * from './managed-policy';
export * from './team-coverage';
export * from './diagnosis-words';
export * from './preference-change-words';
export * from './phone-format-cache';
