import { CreateUserCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { StartupError, startIamEndpoint } from '../../src/protocol/query/index.js';
import { iamClient } from './helpers.js';

describe('startIamEndpoint', () => {
  it('listens on a free port of 127.0.0.1, shares its engine, logs only when asked, and stops on close()', async () => {
    const lines: string[] = [];
    const endpoint = await startIamEndpoint({ accountMap: { AKIDOTHER: { accountId: '111111111111', userName: 'me' } }, log: (line) => lines.push(line) });
    expect(endpoint.url).toBe(`http://127.0.0.1:${endpoint.port}`);
    expect(endpoint.port).toBeGreaterThan(0);
    const iam = iamClient(endpoint.url, 'AKIDOTHER');
    try {
      await iam.send(new CreateUserCommand({ UserName: 'me' }));
      expect((await iam.send(new GetUserCommand({}))).User?.Arn).toBe('arn:aws:iam::111111111111:user/me');
      expect((await endpoint.engine.getUser({ UserName: 'me' }, { accountId: '111111111111' })).isOk()).toBe(true);
    } finally {
      iam.destroy();
      await endpoint.close();
    }
    expect(lines[0]).toBe(`iam-service-credentials listening on ${endpoint.url} (account 123456789012, store memory, 1 mapped access key(s); signatures are not checked)`);
    expect(lines.filter((line) => line.includes(' POST / 200 '))).toHaveLength(2);
    await expect(fetch(`${endpoint.url}/_iam-service-credentials/health`)).rejects.toThrow();
  });

  it('refuses wrong options with a TypeError before starting anything', async () => {
    await expect(startIamEndpoint({ host: '' })).rejects.toThrow(new TypeError('startIamEndpoint: host must not be empty (it would listen on every interface)'));
    await expect(startIamEndpoint({ port: 70000 })).rejects.toThrow(TypeError);
    await expect(startIamEndpoint({ accountId: '42' })).rejects.toThrow('startIamEndpoint: accountId must be 12 digits');
    await expect(startIamEndpoint({ store: 'mysql://user:secret@db/x' })).rejects.toThrow(
      new TypeError('startIamEndpoint: store must be "memory" or a postgres:// / postgresql:// URL'),
    );
  });

  it('a taken port is a StartupError', async () => {
    const first = await startIamEndpoint();
    try {
      const taken = startIamEndpoint({ port: first.port });
      await expect(taken).rejects.toBeInstanceOf(StartupError);
      await expect(taken).rejects.toThrow(`cannot listen on 127.0.0.1:${first.port}`);
    } finally {
      await first.close();
    }
  });
});
