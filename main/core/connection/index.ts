export { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff';
export {
  ServiceConnection,
  type ConnectionMessage,
  type InvalidMessage,
  type ServiceConnectionOptions,
} from './service-connection';
export {
  createServiceClient,
  ServiceRefusalError,
  ServiceUnavailableError,
  type ServiceClient,
} from './service-client';
