import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CredentialEngine } from '../../index.js';
import { createBedrockServer } from '../bedrock/bedrock-server.js';
import { createCqlServer } from '../cql/cql-server.js';
import { type ListeningDoor, listenDoor } from '../front-door/door-server.js';
import { createGitServer, defaultGitHttpBackend } from '../git/git-server.js';
import type { FrontDoorsConfig } from './serve-options.js';
import type { LoginObservers } from '../front-door/login-attempt.js';
import type { DoorAuthorizationOptions } from '../front-door/door-authorization.js';

/** Where a door listens: the address it is bound to and its port (the one chosen when 0 was asked for). */
export interface DoorAddress {
  readonly host: string;
  readonly port: number;
}

/** Where each started door listens; a door that was not asked for is absent. */
export interface FrontDoorAddresses {
  /** CodeCommit's Git smart HTTP: `url` is `http://HOST:PORT`; a repository `name` is cloned from `${url}/v1/repos/name`. */
  readonly git?: DoorAddress & { readonly url: string };
  /** The Bedrock Runtime stand-in: `url` is the `endpoint` of a `BedrockRuntimeClient`. */
  readonly bedrock?: DoorAddress & { readonly url: string };
  /** The CQL (Keyspaces) login: the driver's contact point is `${host}:${port}`. */
  readonly keyspaces?: DoorAddress;
}

export interface RunningFrontDoors {
  /** One "listening on" line per door, for the caller to print after its own startup line. */
  readonly listeningLines: readonly string[];
  readonly addresses: FrontDoorAddresses;
  close(graceMs?: number): Promise<void>;
}

const urlHost = (address: string): string => (address.includes(':') ? `[${address}]` : address);
const addressOf = (door: ListeningDoor): DoorAddress => ({ host: door.address.address, port: door.address.port });
const urlOf = (door: ListeningDoor): string => `http://${urlHost(door.address.address)}:${door.address.port}`;

/**
 * Starts the front doors that were asked for, each on its own port, each with its own "listening on" line; `log` receives the
 * login lines. Throws (with a printable message) when a door cannot start; doors already started are closed first.
 */
export const startFrontDoors = async (
  engine: CredentialEngine,
  config: FrontDoorsConfig,
  host: string,
  options: LoginObservers & DoorAuthorizationOptions,
  /** How the error names the repositories' directory: `--git-root`, or `frontDoors.git.root` for startIamEndpoint. */
  gitRootName = '--git-root',
): Promise<RunningFrontDoors> => {
  const started: ListeningDoor[] = [];
  const listeningLines: string[] = [];
  const addresses: { -readonly [K in keyof FrontDoorAddresses]: FrontDoorAddresses[K] } = {};
  const closeAll = async (graceMs?: number): Promise<void> => {
    await Promise.all(started.map((door) => door.close(graceMs)));
  };
  try {
    if (config.git !== undefined) {
      const root = resolve(config.git.root);
      const isDirectory = await stat(root).then((info) => info.isDirectory(), () => false);
      if (!isDirectory) throw new Error(`${gitRootName} ${root} is not a directory`);
      let backend: string;
      try {
        backend = defaultGitHttpBackend();
      } catch {
        throw new Error('the Git door needs git (git http-backend), and `git --exec-path` failed');
      }
      const door = await listenDoor(createGitServer(engine, { root, backend, ...options }), config.git.port, host);
      started.push(door);
      addresses.git = { ...addressOf(door), url: urlOf(door) };
      listeningLines.push(`git (CodeCommit) door listening on ${addresses.git.url}/v1/repos/<name> (repositories in ${root})`);
    }
    if (config.bedrock !== undefined) {
      const door = await listenDoor(createBedrockServer(engine, options), config.bedrock.port, host);
      started.push(door);
      addresses.bedrock = { ...addressOf(door), url: urlOf(door) };
      listeningLines.push(`bedrock (Bedrock Runtime stand-in) door listening on ${addresses.bedrock.url}`);
    }
    if (config.keyspaces !== undefined) {
      const door = await listenDoor(createCqlServer(engine, options), config.keyspaces.port, host);
      started.push(door);
      addresses.keyspaces = addressOf(door);
      listeningLines.push(`keyspaces (CQL native protocol v4) door listening on ${urlHost(door.address.address)}:${door.address.port}`);
    }
  } catch (cause) {
    await closeAll(0);
    throw cause;
  }
  return { listeningLines, addresses, close: closeAll };
};
