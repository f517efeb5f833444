/**
 * The server side of the HTTP benchmark, run in its own process: `node --import tsx bench/http-server.ts project|bare SETUP_JSON`.
 * Prints `listening PORT` once ready; exits on SIGTERM.
 *  - project: the package's own endpoint (createQueryServer over the default in-memory engine), with `users` users preloaded and a
 *    user `holder` with 2 CodeCommit credentials (for List).
 *  - bare: a plain node:http server that reads the body and answers a canned response (status, headers, body) per Action, recorded
 *    from the project server, so both send the same bytes.
 */
import { createServer, type Server } from 'node:http';
import { createCredentialEngine } from '../src/index.js';
import { createQueryServer } from '../src/protocol/http/index.js';
import { CODECOMMIT, createUsers, ok } from './lib/engine-fixture.js';

export interface CannedResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface ProjectSetup {
  readonly users: number;
}

export interface BareSetup {
  /** Action -> what to answer. */
  readonly responses: Record<string, CannedResponse>;
}

const [mode, setupJson] = process.argv.slice(2);
const setup: unknown = JSON.parse(setupJson ?? '{}');

const startProject = async ({ users }: ProjectSetup): Promise<Server> => {
  const engine = createCredentialEngine();
  await createUsers(engine, users);
  await ok(engine.createUser({ UserName: 'holder' }));
  for (let index = 0; index < 2; index += 1) await ok(engine.createServiceSpecificCredential({ UserName: 'holder', ServiceName: CODECOMMIT }));
  return createQueryServer(engine);
};

const startBare = ({ responses }: BareSetup): Server => {
  const canned = new Map(Object.entries(responses).map(([action, response]) => [action, { ...response, body: Buffer.from(response.body) }]));
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const action = /(?:^|&)Action=([A-Za-z]+)/.exec(Buffer.concat(chunks).toString('latin1'))?.[1] ?? '';
      const response = canned.get(action);
      if (response === undefined) {
        res.writeHead(400).end();
        return;
      }
      res.writeHead(response.status, { ...response.headers, 'content-length': String(response.body.length) }).end(response.body);
    });
  });
};

const server = mode === 'project' ? await startProject(setup as ProjectSetup) : startBare(setup as BareSetup);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address !== null ? address.port : 0}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
