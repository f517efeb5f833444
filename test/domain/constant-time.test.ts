import { beforeEach, describe, expect, it, vi } from 'vitest';

// Every comparison of a presented secret must go through crypto.timingSafeEqual: spy on it.
const spy = vi.hoisted(() => ({ calls: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return {
    ...original,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      spy.calls += 1;
      return original.timingSafeEqual(a, b);
    },
  };
});

const { digestSecret, secretMatchesDigest } = await import('../../src/domain/secrets.js');
const { createCredentialEngine, createSeededRandom } = await import('../../src/index.js');

describe('secret comparison', () => {
  beforeEach(() => {
    spy.calls = 0;
  });

  it('compares digests with crypto.timingSafeEqual, for right and wrong secrets alike', () => {
    const stored = digestSecret('right');
    expect(secretMatchesDigest('right', stored)).toBe(true);
    expect(secretMatchesDigest('wrong', stored)).toBe(false);
    expect(spy.calls).toBe(2);
  });

  it('is what authenticate and authenticateApiKey use', async () => {
    const engine = createCredentialEngine({ random: createSeededRandom('constant-time') });
    await engine.createUser({ UserName: 'alice' });
    const password = await engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: 'codecommit.amazonaws.com' });
    const key = await engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: 'bedrock.amazonaws.com' });
    if (password.isErr() || key.isErr()) throw new Error('setup failed');
    const { ServiceUserName, ServicePassword } = password.value.ServiceSpecificCredential;
    spy.calls = 0;
    const ok = await engine.authenticate({ ServiceName: 'codecommit.amazonaws.com', ServiceUserName: ServiceUserName as string, ServicePassword: ServicePassword as string });
    const wrong = await engine.authenticate({ ServiceName: 'codecommit.amazonaws.com', ServiceUserName: ServiceUserName as string, ServicePassword: 'nope' });
    const apiKey = await engine.authenticateApiKey({ ServiceName: 'bedrock.amazonaws.com', ApiKey: key.value.ServiceSpecificCredential.ServiceCredentialSecret as string });
    expect([ok.isOk(), wrong.isOk(), apiKey.isOk()]).toEqual([true, false, true]);
    expect(spy.calls).toBe(3);
  });
});
