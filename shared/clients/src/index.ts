// @packflow/clients: drivers for the systems packflow talks to, each behind an interface
// (BuildService, TestService; forges are @packflow/forges). No NestJS. Failures are ExternalServiceErrors:
// retryable (with retryAfterMs) for 429, 5xx and network trouble, not for 401/403/404.
export * from './build/build-service.js';
export { CoprClient, type CoprClientOptions } from './build/copr.client.js';
export * from './test/test-service.js';
export { parseXunit, type TestCaseLog, type TestCaseResult, type XunitSummary } from './test/xunit.parser.js';
export { TestingFarmClient, type TestingFarmClientOptions } from './test/testing-farm.client.js';
export {
  HttpFailure,
  describeBody,
  headerRecord,
  networkFailure,
  rateLimitResetMs,
  responseFailure,
  retryAfterMs,
  toServiceError,
} from './http/http-failure.js';
export type { FetchLike } from './http/json-http.client.js';
export {
  KojiClient,
  KojiFaultError,
  type KojiAuth,
  type KojiBuild,
  type KojiBuildState,
  type KojiClientOptions,
  type KojiSideTag,
  type KojiTarget,
  type KojiTask,
  type KojiTaskState,
} from './koji/koji.client.js';
export { adler32, adler32Hex } from './koji/adler32.js';
export { evrCompare, rpmVersionCompare, type Evr } from './koji/rpm-version.js';
export { XmlRpcFault, type XmlRpcValue } from './koji/xmlrpc.codec.js';
export {
  BodhiClient,
  type BodhiBuild,
  type BodhiClientOptions,
  type BodhiOidc,
  type BodhiUpdate,
  type NewUpdate,
} from './bodhi/bodhi.client.js';
export { LookasideClient, type LookasideClientOptions, type LookasideUpload } from './lookaside/lookaside.client.js';
export {
  ReleaseMonitoringClient,
  type AnityaProject,
  type ReleaseMonitoringClientOptions,
} from './release-monitoring/release-monitoring.client.js';
export { tlsPost, type ClientTls } from './http/tls-post.js';
