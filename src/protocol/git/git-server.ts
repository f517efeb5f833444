import type { DoorAuthorizationOptions } from '../front-door/door-authorization.js';
import { execFileSync, spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { join, resolve } from 'node:path';
import type { CredentialEngine } from '../../index.js';
import { gateConnections, takeConnectionHandling } from '../front-door/connection-limit.js';
import { type HttpDoorLimits, resolveHttpDoorLimits } from '../front-door/door-server.js';
import { type LoginObservers, reportLoginAttempt } from '../front-door/login-attempt.js';
import { CgiHeadParser } from './cgi-response.js';
import { type GitAnswer, decideGitRequest } from './git-door.js';

export interface GitServerOptions extends LoginObservers, DoorAuthorizationOptions {
  /** The directory holding the bare repositories, `<name>` or `<name>.git`. */
  readonly root: string;
  /** The `git http-backend` program. Default: `$(git --exec-path)/git-http-backend`. */
  readonly backend?: string;
  /** Timeouts and the connection cap; each defaults to GIT_DOOR_LIMITS (and 1024 connections). */
  readonly limits?: HttpDoorLimits;
}

/**
 * The Git door's timeouts unless told otherwise. A push's pack is the request body, so the request timeout is long; once the
 * request is in, the answer may take as long as it takes (git http-backend sends keep-alive packets while it works).
 */
export const GIT_DOOR_LIMITS = { headersTimeoutMs: 30_000, requestTimeoutMs: 300_000, idleTimeoutMs: 120_000 } as const;

/** The largest request head read; larger gets 431. */
export const MAX_GIT_HEADER_BYTES = 16 * 1024;

/** Past the connection cap. */
const SERVICE_UNAVAILABLE_BODY = 'Too many connections to this Git door; retry later.\n';
const SERVICE_UNAVAILABLE = Buffer.from(
  'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\nRetry-After: 1\r\n' +
    `Content-Length: ${SERVICE_UNAVAILABLE_BODY.length}\r\n\r\n${SERVICE_UNAVAILABLE_BODY}`,
);

/** Where git keeps its helper programs, git-http-backend among them. */
export const defaultGitHttpBackend = (): string => join(execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim(), 'git-http-backend');

const send = (res: ServerResponse, answer: GitAnswer): void => {
  res.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(Buffer.byteLength(answer.body)) });
  res.end(answer.body);
};

const isBareRepository = async (directory: string): Promise<boolean> => {
  try {
    return (await stat(directory)).isDirectory() && (await stat(join(directory, 'HEAD'))).isFile();
  } catch {
    return false;
  }
};

/** Runs the CGI backend for one request: request body to its stdin, its head parsed, its body streamed back. */
const runBackend = (backend: string, env: Readonly<Record<string, string>>, req: IncomingMessage, res: ServerResponse): void => {
  const child = spawn(backend, [], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, stdio: ['pipe', 'pipe', 'ignore'] });
  const parser = new CgiHeadParser();
  let headSent = false;
  const fail = (): void => {
    if (!headSent && !res.headersSent) send(res, { status: 500, headers: { 'Content-Type': 'text/plain' }, body: 'git http-backend failed\n' });
    else res.destroy();
  };
  child.on('error', fail);
  child.stdin.on('error', () => undefined); // the backend may stop reading early; its answer says why
  req.on('error', () => child.kill());
  res.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  req.pipe(child.stdin);
  child.stdout.on('data', (chunk: Buffer) => {
    if (headSent) {
      if (!res.write(chunk)) child.stdout.pause();
      return;
    }
    const progress = parser.push(chunk);
    if (progress.kind === 'more') return;
    if (progress.kind === 'error') {
      child.kill();
      fail();
      return;
    }
    headSent = true;
    res.writeHead(progress.head.status, progress.head.headers.flat());
    if (progress.head.rest.length > 0) res.write(progress.head.rest);
  });
  res.on('drain', () => child.stdout.resume());
  child.stdout.on('end', () => (headSent ? res.end() : fail()));
};

/**
 * Requests pipelined on one connection waiting their turn, at most. git sends one request at a time on a connection, so a client
 * that pipelines more is hostile: past this many waiting, the connection is closed (answers cannot be sent out of order).
 */
export const MAX_PIPELINED_GIT_REQUESTS = 8;

/** `git http-backend` processes one door runs at once; further requests wait their turn (at most one per connection, above). */
export const MAX_CONCURRENT_GIT_BACKENDS = 32;

/**
 * One request at a time per connection, and at most `limit` at a time in the whole door. node:http hands a handler every request
 * it parses, pipelined ones included, at once: without this a client pipelining requests and never reading the answers made the
 * door spawn a backend per request, and the forks held the event loop (every port of the process stopped answering).
 */
class RequestTurns {
  readonly #waiting = new WeakMap<Socket, (() => void)[]>();
  readonly #queued: (() => void)[] = [];
  #running = 0;

  constructor(private readonly limit: number) {}

  /** Runs `serve` once the connection's earlier requests are done and a place is free; `serve` calls the function it is given when its answer has ended. */
  enter(socket: Socket, serve: (done: () => void) => void): void {
    const waiting = this.#waiting.get(socket);
    const start = (): void => this.#take(() => serve(() => this.#leave(socket)));
    if (waiting === undefined) {
      this.#waiting.set(socket, []);
      start();
    } else if (waiting.length >= MAX_PIPELINED_GIT_REQUESTS) {
      socket.destroy();
    } else {
      waiting.push(start);
    }
  }

  #take(run: () => void): void {
    if (this.#running < this.limit) {
      this.#running++;
      run();
    } else {
      this.#queued.push(run);
    }
  }

  #leave(socket: Socket): void {
    const next = this.#queued.shift();
    if (next === undefined) this.#running--;
    else next();
    const waiting = this.#waiting.get(socket);
    const following = waiting?.shift();
    if (following === undefined) this.#waiting.delete(socket);
    else if (!socket.destroyed) following();
    else this.#waiting.delete(socket);
  }
}

/** The Git door on node:http: a few lines of glue around decideGitRequest. */
export const createGitServer = (engine: CredentialEngine, options: GitServerOptions): Server => {
  const root = resolve(options.root);
  const backend = options.backend ?? defaultGitHttpBackend();
  const findRepository = async (name: string): Promise<string | undefined> => {
    for (const candidate of [name, `${name}.git`]) if (await isBareRepository(join(root, candidate))) return candidate;
    return undefined;
  };
  const limits = resolveHttpDoorLimits(options.limits, GIT_DOOR_LIMITS);
  const serverOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: limits.checkEveryMs,
    maxHeaderSize: MAX_GIT_HEADER_BYTES,
  };
  const turns = new RequestTurns(MAX_CONCURRENT_GIT_BACKENDS);
  const server = createServer(serverOptions, (req, res) =>
    turns.enter(req.socket, (done) => {
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        done();
      };
      res.once('close', release);
      handle(req, res);
    }),
  );
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const header = (name: string): string | undefined => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : undefined;
    };
    decideGitRequest(
      engine,
      {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        authorization: header('authorization'),
        contentType: header('content-type'),
        contentEncoding: header('content-encoding'),
        contentLength: header('content-length'),
        gitProtocol: header('git-protocol'),
        remoteAddress: req.socket.remoteAddress,
      },
      { root, findRepository },
    ).then(
      (decision) => {
        if (decision.attempt !== undefined) reportLoginAttempt(options, decision.attempt, req.socket.remoteAddress);
        if (decision.kind === 'answer') {
          req.resume();
          send(res, decision.answer);
        } else {
          runBackend(backend, decision.env, req, res);
        }
      },
      () => res.destroy(),
    );
  };
  server.timeout = limits.idleTimeoutMs;
  gateConnections(server, { maxConnections: limits.maxConnections, refusal: SERVICE_UNAVAILABLE, accept: takeConnectionHandling(server) });
  return server;
};
