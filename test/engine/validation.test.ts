import { describe, expect, it } from 'vitest';
import { CODECOMMIT, errOf, expectError, okOf, setup } from './support.js';

const idPatternMessage =
  "1 validation error detected: Value at 'serviceSpecificCredentialId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]+";
const userNameMessage =
  'The specified value for userName is invalid. It must contain only alphanumeric characters and/or the following: +=,.@_-';

describe('request validation (before any lookup)', () => {
  it('rejects an id that breaks [\\w]+ on Update, Reset and Delete with the observed message', async () => {
    const { engine } = setup();
    const ServiceSpecificCredentialId = 'totally-wrong-credential-id-with-hyphens';
    const expected = { code: 'ValidationError', httpStatus: 400, message: idPatternMessage };
    await expectError(engine.updateServiceSpecificCredential({ ServiceSpecificCredentialId, Status: 'Active', UserName: 'nobody' }), expected);
    await expectError(engine.resetServiceSpecificCredential({ ServiceSpecificCredentialId, UserName: 'nobody' }), expected);
    await expectError(engine.deleteServiceSpecificCredential({ ServiceSpecificCredentialId, UserName: 'nobody' }), expected);
  });

  it('rejects an unknown Status with the observed enum message', async () => {
    const { engine } = setup();
    await expectError(
      engine.updateServiceSpecificCredential({
        ServiceSpecificCredentialId: 'satisfiesregexbutstillinvalid',
        Status: 'Invalid' as 'Active',
        UserName: 'nobody',
      }),
      {
        code: 'ValidationError',
        httpStatus: 400,
        message: "1 validation error detected: Value at 'status' failed to satisfy constraint: Member must satisfy enum value set",
      },
    );
  });

  it('reports several violations together, in request-member order, joined by "; "', async () => {
    const { engine } = setup();
    const error = await errOf(
      engine.updateServiceSpecificCredential({ ServiceSpecificCredentialId: 'a-b', Status: 'Nope' as 'Active', UserName: 'x' }),
    );
    expect(error.message).toBe(
      "3 validation errors detected: Value at 'serviceSpecificCredentialId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w]+; " +
        "Value at 'serviceSpecificCredentialId' failed to satisfy constraint: Member must have length greater than or equal to 20; " +
        "Value at 'status' failed to satisfy constraint: Member must satisfy enum value set",
    );
  });

  it('checks id length 20..128', async () => {
    const { engine } = setup();
    const tooLong = 'A'.repeat(129);
    await expectError(engine.deleteServiceSpecificCredential({ ServiceSpecificCredentialId: tooLong, UserName: 'x' }), {
      code: 'ValidationError',
      httpStatus: 400,
      message:
        "1 validation error detected: Value at 'serviceSpecificCredentialId' failed to satisfy constraint: Member must have length less than or equal to 128",
    });
    await expectError(engine.deleteServiceSpecificCredential({ ServiceSpecificCredentialId: 'A'.repeat(20), UserName: 'x' }), {
      code: 'NoSuchEntity',
      httpStatus: 404,
      message: 'The user with name x cannot be found.',
    });
  });

  it('answers a user name that breaks its pattern with IAM\'s own message', async () => {
    const { engine } = setup();
    for (const UserName of ['has space', 'bad!', 'ünï', '@#!%%!']) {
      await expectError(engine.createServiceSpecificCredential({ UserName, ServiceName: CODECOMMIT }), {
        code: 'ValidationError',
        httpStatus: 400,
        message: userNameMessage,
      });
    }
  });

  it('checks user name length 1..64 in the generic form', async () => {
    const { engine } = setup();
    await expectError(engine.getUser({ UserName: 'a'.repeat(65) }), {
      code: 'ValidationError',
      httpStatus: 400,
      message: "1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64",
    });
    await expectError(engine.createUser({ UserName: '' }), {
      code: 'ValidationError',
      httpStatus: 400,
      message: "1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
    await okOf(engine.createUser({ UserName: 'a'.repeat(64) }));
  });

  it('reports a missing required member as null', async () => {
    const { engine } = setup();
    await expectError(engine.createServiceSpecificCredential({ UserName: 'alice' } as never), {
      code: 'ValidationError',
      httpStatus: 400,
      message: "1 validation error detected: Value null at 'serviceName' failed to satisfy constraint: Member must not be null",
    });
    await expectError(engine.createUser({} as never), {
      code: 'ValidationError',
      httpStatus: 400,
      message: "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null",
    });
  });

  it('checks CredentialAgeDays 1..36600 and integrality', async () => {
    const { engine } = setup();
    const cases: [number, string][] = [
      [0, 'Member must have value greater than or equal to 1'],
      [36601, 'Member must have value less than or equal to 36600'],
      [1.5, 'Member must be an integer'],
    ];
    for (const [CredentialAgeDays, constraint] of cases) {
      await expectError(engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: 'bedrock.amazonaws.com', CredentialAgeDays }), {
        code: 'ValidationError',
        httpStatus: 400,
        message: `1 validation error detected: Value at 'credentialAgeDays' failed to satisfy constraint: ${constraint}`,
      });
    }
  });

  it('checks MaxItems 1..1000 and Marker 1..320 in [\\u0020-\\u00FF]', async () => {
    const { engine } = setup();
    await expectError(engine.listServiceSpecificCredentials({ UserName: 'a', MaxItems: 1001 }), {
      code: 'ValidationError',
      httpStatus: 400,
      message: "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000",
    });
    await expectError(engine.listServiceSpecificCredentials({ UserName: 'a', MaxItems: 0, Marker: '' }), {
      code: 'ValidationError',
      httpStatus: 400,
      message:
        "3 validation errors detected: Value at 'marker' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0020-\\u00FF]+; " +
        "Value at 'marker' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    await expectError(engine.listServiceSpecificCredentials({ UserName: 'a', Marker: 'x'.repeat(321) }), {
      code: 'ValidationError',
      httpStatus: 400,
      message: "1 validation error detected: Value at 'marker' failed to satisfy constraint: Member must have length less than or equal to 320",
    });
    await expectError(engine.listServiceSpecificCredentials({ UserName: 'a', Marker: 'snow☃' }), {
      code: 'ValidationError',
      httpStatus: 400,
      message:
        "1 validation error detected: Value at 'marker' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0020-\\u00FF]+",
    });
  });

  it('rejects values of the wrong JavaScript type instead of crashing', async () => {
    const { engine } = setup();
    const error = await errOf(engine.createServiceSpecificCredential({ UserName: 42, ServiceName: ['x'] } as never));
    expect(error.message).toBe(
      "2 validation errors detected: Value at 'userName' failed to satisfy constraint: Member must be a string; " +
        "Value at 'serviceName' failed to satisfy constraint: Member must be a string",
    );
    const listError = await errOf(engine.listServiceSpecificCredentials({ AllUsers: 'yes' } as never));
    expect(listError.message).toBe("1 validation error detected: Value at 'allUsers' failed to satisfy constraint: Member must be a boolean");
    expect((await errOf(engine.createUser(null as never))).code).toBe('ValidationError');
  });

  it('validates the Path of CreateUser', async () => {
    const { engine } = setup();
    await expectError(engine.createUser({ UserName: 'p', Path: 'no-slashes' }), {
      code: 'ValidationError',
      httpStatus: 400,
      message:
        'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.',
    });
    const created = await okOf(engine.createUser({ UserName: 'p', Path: '/division/' }));
    expect(created.User.Arn).toBe('arn:aws:iam::123456789012:user/division/p');
  });
});

describe('null optional members (JavaScript callers)', () => {
  it('treats null as absent, so nothing downstream sees a null', async () => {
    const { engine } = setup();
    await okOf(engine.createUser({ UserName: 'alice', Path: null } as never));
    const key = await okOf(
      engine.createServiceSpecificCredential({ UserName: 'alice', ServiceName: 'bedrock.amazonaws.com', CredentialAgeDays: null } as never),
    );
    expect('ExpirationDate' in key.ServiceSpecificCredential).toBe(false);
    expect(key.ServiceSpecificCredential.Status).toBe('Active');
    const listed = await okOf(engine.listServiceSpecificCredentials({ UserName: 'alice', ServiceName: null, Marker: null, MaxItems: null } as never));
    expect(listed.ServiceSpecificCredentials).toHaveLength(1);
    const users = await okOf(engine.listUsers({ Marker: null, PathPrefix: null } as never));
    expect(users.Users.map((u) => u.UserName)).toEqual(['alice']);
    await expectError(engine.createServiceSpecificCredential({ UserName: null, ServiceName: CODECOMMIT } as never), {
      code: 'ValidationError',
      httpStatus: 400,
      message: "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null",
    });
  });
});
