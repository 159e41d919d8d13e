export { defaultRetryPolicy, retryDelay, type RetryPolicy } from './backoff';
export {
  applyChanges,
  diffFields,
  mergeChanges,
  sameValue,
  valueAt,
  type FieldChanges,
} from './field-changes';
export { SyncEngine, type SyncEngineOptions, type SyncTraceStage } from './sync-engine';
export {
  HttpSyncTransport,
  ServiceUnreachableError,
  type HttpSyncTransportOptions,
  type RequestCounter,
  type ServerDocument,
  type SyncTransport,
  type TransportResponse,
} from './transport';
