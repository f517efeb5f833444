/**
 * `iam-service-credentials/query`: the AWS Query wire protocol (IAM, version 2010-05-08) over the engine, as a pure function to mount
 * in any router, and a ready node:http endpoint.
 */
export { handleQueryRequest, renderQueryError } from './handle-query-request.js';
export type { QueryHandlerOptions, QueryHeaders, QueryRequest, QueryResponse } from './handle-query-request.js';
export { accessKeyIdOf } from './access-key.js';
export { SUPPORTED_ACTIONS } from './operations.js';
export { API_VERSION } from './wire-error.js';
export type { WireError } from './wire-error.js';
export { IAM_XML_NAMESPACE } from './xml.js';
export { createQueryServer, createQueryRequestListener, DEFAULT_AUTHENTICATE_PATH, DEFAULT_MAX_BODY_BYTES } from '../http/index.js';
export type { AccountMapping, QueryServerOptions, SignatureOptions } from '../http/index.js';
export { createIamRequestHandler } from './in-process-handler.js';
export type { IamRequestHandler, IamRequestHandlerOptions, SdkHttpHandlerOptions, SdkHttpRequest, SdkHttpResponse } from './in-process-handler.js';
export type { AccountMap } from './account-map.js';
export { CONTROL_PATH_PREFIX, HEALTH_PATH, RESET_PATH } from '../http/control-paths.js';
export type { ControlPaths, HealthReport } from '../http/control-paths.js';
export { startIamEndpoint } from './start-iam-endpoint.js';
export type { IamEndpoint, IamEndpointOptions } from './start-iam-endpoint.js';
export type { FrontDoorsConfig } from '../cli/serve-options.js';
export type { DoorAddress, FrontDoorAddresses } from '../cli/front-doors.js';
export { StartupError } from '../cli/serve.js';
export type { SeedAccount, SeedCredential, SeedDocument, SeedUser, SeededCredential } from '../cli/seed.js';
export { verifySignature } from '../sigv4/verify-signature.js';
export type { SecretAccessKeys, SignedRequest, VerifiedSignature } from '../sigv4/verify-signature.js';
export { decisionLine, isEnforceIamMode } from './enforcement.js';
export type { EnforceIamMode, EnforceIamOptions } from './enforcement.js';
export type { SeedAccessKey } from '../cli/seed.js';
