/**
 * `iam-service-credentials/front-doors`: the service front doors, each as Sans-I/O protocol logic (to mount in your own server or
 * test frame by frame) and as a ready node server.
 */
export { CODECOMMIT_SERVICE, GIT_REALM, decideGitRequest, isRepositoryName, routeGitRequest } from './git/git-door.js';
export type { GitAnswer, GitDecision, GitDoorOptions, GitRequest, GitRoute } from './git/git-door.js';
export { CgiHeadParser } from './git/cgi-response.js';
export { GIT_DOOR_LIMITS, createGitServer, defaultGitHttpBackend } from './git/git-server.js';
export type { GitServerOptions } from './git/git-server.js';
export { BEDROCK_SERVICE, answerBedrockRequest, routeBedrockRequest } from './bedrock/bedrock-door.js';
export type { BedrockAnswer, BedrockOutcome, BedrockRequest } from './bedrock/bedrock-door.js';
export { BEDROCK_DOOR_LIMITS, createBedrockServer, detectHttpVersion } from './bedrock/bedrock-server.js';
export type { BedrockServerOptions } from './bedrock/bedrock-server.js';
export { AUTHENTICATOR, CqlSession, KEYSPACES_RELEASE_VERSION, answerQuery } from './cql/cql-session.js';
export { ANSWER_BYTES_PER_TURN, MAX_HELD_BYTES } from './cql/cql-session.js';
export type { CqlAction, CqlSessionOptions } from './cql/cql-session.js';
export { DEFAULT_MAX_CQL_CONNECTIONS, KEYSPACES_SERVICE, createCqlServer } from './cql/cql-server.js';
export type { CqlServerOptions } from './cql/cql-server.js';
export { listenDoor } from './front-door/door-server.js';
export type { HttpDoorLimits, ListeningDoor } from './front-door/door-server.js';
export { DEFAULT_MAX_CONNECTIONS } from './front-door/connection-limit.js';
export { formatLoginAttempt } from './front-door/login-attempt.js';
export type { DoorName, LoginAttempt } from './front-door/login-attempt.js';
export { DEFAULT_DOOR_REGION, authorizeAtDoor } from './front-door/door-authorization.js';
export type { DoorAuthorizationOptions, DoorSigningKeys, DoorVerdict } from './front-door/door-authorization.js';
