import { connect } from 'node:net';
import {
  CreateServiceSpecificCredentialCommand,
  CreateUserCommand,
  DeleteServiceSpecificCredentialCommand,
  type IAMClient,
  ResetServiceSpecificCredentialCommand,
  UpdateServiceSpecificCredentialCommand,
} from '@aws-sdk/client-iam';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCqlServer } from '../../src/protocol/cql/cql-server.js';
import { type ListeningDoor, listenDoor } from '../../src/protocol/front-door/door-server.js';
import { type TestServer, iamClient, startTestServer } from '../protocol/helpers.js';

let iam: TestServer;
let client: IAMClient;
let door: ListeningDoor;
const logLines: string[] = [];

/** The DataStax driver as a Keyspaces user configures it (PlainTextAuthProvider), pointed at the door. */
const driver = (user: string, password: string, extra: Partial<cassandra.ClientOptions> = {}): cassandra.Client =>
  new cassandra.Client({
    contactPoints: [`127.0.0.1:${door.address.port}`],
    localDataCenter: 'us-east-1',
    authProvider: new cassandra.auth.PlainTextAuthProvider(user, password),
    isMetadataSyncEnabled: false,
    socketOptions: { connectTimeout: 5_000 },
    ...extra,
  });

const releaseVersion = async (user: string, password: string, extra: Partial<cassandra.ClientOptions> = {}): Promise<string> => {
  const session = driver(user, password, extra);
  try {
    await session.connect();
    const rows = await session.execute('SELECT release_version FROM system.local');
    return rows.first().get('release_version') as string;
  } finally {
    await session.shutdown();
  }
};

/** The driver's refusal: a NoHostAvailableError whose inner error is its AuthenticationError. */
const refusal = async (user: string, password: string): Promise<Error> => {
  try {
    await releaseVersion(user, password);
  } catch (error) {
    expect(error).toBeInstanceOf(cassandra.errors.NoHostAvailableError);
    const inner = Object.values((error as cassandra.errors.NoHostAvailableError).innerErrors) as Error[];
    expect(inner.length).toBe(1);
    return inner[0] as Error;
  }
  throw new Error('expected the connection to be refused');
};

const credential = async (userName: string, serviceName = 'cassandra.amazonaws.com') => {
  const created = await client.send(new CreateServiceSpecificCredentialCommand({ UserName: userName, ServiceName: serviceName }));
  const value = created.ServiceSpecificCredential!;
  return { id: value.ServiceSpecificCredentialId!, user: value.ServiceUserName!, password: value.ServicePassword! };
};

beforeAll(async () => {
  iam = await startTestServer();
  client = iamClient(iam.url);
  door = await listenDoor(createCqlServer(iam.engine, { log: (line) => logLines.push(line) }), 0, '127.0.0.1');
  for (const UserName of ['alice', 'bob']) await client.send(new CreateUserCommand({ UserName }));
});

afterAll(async () => {
  await door?.close(0);
  await iam?.close();
});

describe('the Keyspaces door with cassandra-driver 4.x and PlainTextAuthProvider', () => {
  it('connects and reads release_version 3.11.2, with and without the driver\'s schema metadata sync, with the +1 user name', async () => {
    const first = await credential('alice');
    const second = await credential('alice');
    expect(second.user).toBe('alice+1-at-123456789012');
    expect(await releaseVersion(first.user, first.password)).toBe('3.11.2');
    expect(await releaseVersion(second.user, second.password, { isMetadataSyncEnabled: true })).toBe('3.11.2');
    expect(logLines.some((line) => / keyspaces login accepted user=alice\+1-at-123456789012 account=123456789012 /.test(line))).toBe(true);
    expect(logLines.join('\n')).not.toContain(first.password);
  });

  it('answers any other statement with a clear error saying it only authenticates', async () => {
    await client.send(new CreateUserCommand({ UserName: 'carol' }));
    const { user, password } = await credential('carol');
    const session = driver(user, password);
    try {
      await session.connect();
      const error = await session.execute('SELECT * FROM ks.t').then(
        () => undefined,
        (caught: unknown) => caught as cassandra.errors.ResponseError,
      );
      expect(error).toBeInstanceOf(cassandra.errors.ResponseError);
      expect(error?.code).toBe(cassandra.types.responseErrorCodes.invalid);
      expect(error?.message).toMatch(/only authenticates/);
    } finally {
      await session.shutdown();
    }
  });

  it('refuses a wrong password, an Inactive, a deleted and a CodeCommit credential, and the old password after Reset, with AuthenticationError', async () => {
    const good = await credential('bob');
    const inactive = await credential('bob');
    await client.send(new UpdateServiceSpecificCredentialCommand({ UserName: 'bob', ServiceSpecificCredentialId: inactive.id, Status: 'Inactive' }));
    const codecommit = await credential('bob', 'codecommit.amazonaws.com');
    const reset = await client.send(new ResetServiceSpecificCredentialCommand({ UserName: 'bob', ServiceSpecificCredentialId: good.id }));
    const newPassword = reset.ServiceSpecificCredential!.ServicePassword!;
    expect(await releaseVersion(good.user, newPassword)).toBe('3.11.2');

    const refusals = [
      await refusal(good.user, `${newPassword.slice(0, -1)}x`),
      await refusal(good.user, good.password),
      await refusal(inactive.user, inactive.password),
      await refusal(codecommit.user, codecommit.password),
    ];
    await client.send(new DeleteServiceSpecificCredentialCommand({ UserName: 'bob', ServiceSpecificCredentialId: good.id }));
    refusals.push(await refusal(good.user, newPassword));
    for (const error of refusals) {
      expect(error).toBeInstanceOf(cassandra.errors.AuthenticationError);
      expect(error.message).toMatch(/Provided username .* and\/or password are incorrect/);
    }
    expect(logLines.some((line) => /keyspaces login refused user=bob-at-123456789012 .*reason=credential-is-Inactive|keyspaces login refused user=bob\+1-at-123456789012 .*reason=credential-is-Inactive/.test(line))).toBe(true);
  });
});

describe('the Keyspaces door\'s refusals of a malformed login, as Cassandra\'s PasswordAuthenticator words them', () => {
  it('an empty user name: "Authentication ID must not be null"; an empty password: "Password must not be null"', async () => {
    const emptyUser = await refusal('', 'some-password');
    expect(emptyUser).toBeInstanceOf(cassandra.errors.AuthenticationError);
    expect(emptyUser.message).toBe('Authentication ID must not be null');
    const emptyPassword = await refusal('alice-at-123456789012', '');
    expect(emptyPassword).toBeInstanceOf(cassandra.errors.AuthenticationError);
    expect(emptyPassword.message).toBe('Password must not be null');
    expect(logLines.some((line) => / keyspaces login refused user=- account=- reason=malformed-credentials/.test(line))).toBe(true);
  });
});

describe('the Keyspaces door with a slow client', () => {
  it('closes a connection that stops half-way through a frame once the idle timeout passes', async () => {
    const slow = await listenDoor(createCqlServer(iam.engine, { idleTimeoutMs: 100 }), 0, '127.0.0.1');
    try {
      const closed = await new Promise<string>((resolveClosed) => {
        const socket = connect(slow.address.port, '127.0.0.1', () => socket.write(Buffer.from([0x04, 0x00, 0x00, 0x01, 0x01, 0x00])));
        let received = '';
        socket.on('data', (data) => (received += data.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => resolveClosed(received));
      });
      expect(closed).toBe('');
    } finally {
      await slow.close(0);
    }
  });
});
