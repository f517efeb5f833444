import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialEngine } from '../../src/index.js';
import { MAX_PIPELINED_GIT_REQUESTS, createGitServer } from '../../src/protocol/git/git-server.js';

/**
 * A client pipelining git requests without reading the answers. A stand-in backend records how many copies of itself run at once
 * (a marker file each while it runs): the door must run one request of a connection at a time, not fork one backend per request.
 */
describe('the Git door under pipelined requests', () => {
  let work: string;
  let url: { host: string; port: number };
  let close: () => Promise<void>;
  let authorization: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'iam-ssc-git-pipelining-'));
    const root = join(work, 'repos');
    await mkdir(join(root, 'demo'), { recursive: true });
    await writeFile(join(root, 'demo', 'HEAD'), 'ref: refs/heads/main\n');
    await mkdir(join(root, 'demo', 'objects'));
    await mkdir(join(root, 'demo', 'refs'));
    await mkdir(join(work, 'running'));
    const backend = join(work, 'backend.sh');
    await writeFile(
      backend,
      [
        '#!/bin/sh',
        'dir="$GIT_PROJECT_ROOT/../running"',
        'ls "$dir" | wc -l >> "$GIT_PROJECT_ROOT/../seen"',
        'touch "$dir/$$"',
        'sleep 0.1',
        'rm "$dir/$$"',
        "printf 'Status: 200 OK\\r\\nContent-Type: text/plain\\r\\n\\r\\nok'",
        '',
      ].join('\n'),
    );
    await chmod(backend, 0o755);
    const engine = createCredentialEngine();
    await engine.createUser({ UserName: 'alice' });
    const created = await engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' });
    const credential = created._unsafeUnwrap().ServiceSpecificCredential;
    authorization = `Basic ${Buffer.from(`${credential.ServiceUserName}:${credential.ServicePassword}`).toString('base64')}`;
    const server = createGitServer(engine, { root, backend });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
    close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  });

  afterAll(async () => {
    await close();
    await rm(work, { recursive: true, force: true });
  });

  const request = (): string => `GET /v1/repos/demo/info/refs?service=git-upload-pack HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\n\r\n`;

  it('runs one backend at a time for requests pipelined on one connection, and answers them all in order', async () => {
    await writeFile(join(work, 'seen'), '');
    const socket = connect(url);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.write(request().repeat(MAX_PIPELINED_GIT_REQUESTS));
    await expect.poll(() => received.split('HTTP/1.1 200').length - 1, { timeout: 20_000 }).toBe(MAX_PIPELINED_GIT_REQUESTS);
    socket.destroy();
    const seen = (await readFile(join(work, 'seen'), 'utf8')).trim().split('\n').map(Number);
    expect(seen).toHaveLength(MAX_PIPELINED_GIT_REQUESTS);
    // Each backend found no other copy of itself running.
    expect(Math.max(...seen)).toBe(0);
  });

  it('closes a connection that pipelines more requests than may wait', async () => {
    const socket = connect(url);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write(request().repeat(MAX_PIPELINED_GIT_REQUESTS + 20));
    await closed;
    // Closed by the door, before it served them all (a paused reader would not see the close: its end waits to be read).
    expect(received.split('HTTP/1.1 200').length - 1).toBeLessThan(MAX_PIPELINED_GIT_REQUESTS + 20);
  });
});
