export {
  createCompanionSync,
  type CompanionSync,
  type CompanionSyncDependencies,
} from './companion-sync';
export { defaultRetryPolicy, retryDelay, type RetryPolicy } from './backoff';
export {
  applyChanges,
  diffFields,
  mergeChanges,
  sameValue,
  valueAt,
  type FieldChanges,
} from './field-changes';
export { SyncEngine, type SyncEngineOptions } from './sync-engine';
export { type SyncTraceStage } from './send-loop';
export {
  HttpSyncTransport,
  ServiceUnreachableError,
  type HttpSyncTransportOptions,
  type RequestCounter,
  type ServerDocument,
  type SyncTransport,
  type TransportResponse,
} from './transport';
