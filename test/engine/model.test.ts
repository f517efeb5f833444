import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CredentialEngine, ManualClock } from '../../src/index.js';
import { ACCOUNT, BEDROCK, CODECOMMIT, DAY_MS, KEYSPACES, setup } from './support.js';

/**
 * A reference model much simpler than the engine: arrays and strings, no indexes, no ports. Each command runs against both and
 * compares outcomes (success, error code, names, statuses).
 */
interface ModelCredential {
  id: string;
  userKey: string;
  userName: string;
  service: string;
  name: string;
  status: 'Active' | 'Inactive';
  expiresAt: number | undefined;
  secret: string;
}
interface Model {
  now: number;
  users: Map<string, string>; // key -> canonical name
  credentials: ModelCredential[];
}
interface Real {
  engine: CredentialEngine;
  clock: ManualClock;
}

const USER_NAMES = ['ann', 'Ann', 'ann+1', 'bo', 'bo+1+1'];
const SERVICES = [CODECOMMIT, KEYSPACES, BEDROCK];
const statusOf = (m: Model, c: ModelCredential) => (c.expiresAt !== undefined && m.now >= c.expiresAt ? 'Expired' : c.status);
const pick = <T>(items: T[], index: number): T | undefined => (items.length === 0 ? undefined : items[index % items.length]);

class CreateUser implements fc.AsyncCommand<Model, Real> {
  constructor(readonly name: string) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const result = await r.engine.createUser({ UserName: this.name });
    const key = this.name.toLowerCase();
    if (m.users.has(key)) {
      expect(result.isErr() && result.error.code).toBe('EntityAlreadyExists');
    } else {
      expect(result.isOk()).toBe(true);
      m.users.set(key, this.name);
    }
  }
  toString = () => `CreateUser(${this.name})`;
}

class DeleteUser implements fc.AsyncCommand<Model, Real> {
  constructor(readonly name: string) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const result = await r.engine.deleteUser({ UserName: this.name });
    const key = this.name.toLowerCase();
    if (!m.users.has(key)) expect(result.isErr() && result.error.code).toBe('NoSuchEntity');
    else if (m.credentials.some((c) => c.userKey === key)) expect(result.isErr() && result.error.code).toBe('DeleteConflict');
    else {
      expect(result.isOk()).toBe(true);
      m.users.delete(key);
    }
  }
  toString = () => `DeleteUser(${this.name})`;
}

class CreateCredential implements fc.AsyncCommand<Model, Real> {
  constructor(readonly name: string, readonly service: string, readonly days: number | undefined) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const result = await r.engine.createServiceSpecificCredential({
      UserName: this.name,
      ServiceName: this.service,
      ...(this.days === undefined ? {} : { CredentialAgeDays: this.days }),
    });
    const key = this.name.toLowerCase();
    const canonical = m.users.get(key);
    if (canonical === undefined) return void expect(result.isErr() && result.error.code).toBe('NoSuchEntity');
    if (this.days !== undefined && this.service !== BEDROCK) return void expect(result.isErr() && result.error.code).toBe('InvalidInput');
    if (m.credentials.filter((c) => c.userKey === key && c.service === this.service).length >= 2) {
      return void expect(result.isErr() && result.error.code).toBe('LimitExceeded');
    }
    if (result.isErr()) throw new Error(`unexpected ${result.error.code}`);
    const taken = new Set(m.credentials.filter((c) => c.service === this.service).map((c) => c.name.toLowerCase()));
    let n = 0;
    const candidate = (k: number) => `${canonical}${k === 0 ? '' : `+${k}`}-at-${ACCOUNT}`;
    while (taken.has(candidate(n).toLowerCase())) n += 1;
    const credential = result.value.ServiceSpecificCredential;
    expect(credential.ServiceUserName ?? credential.ServiceCredentialAlias).toBe(candidate(n));
    expect(credential.UserName).toBe(canonical);
    m.credentials.push({
      id: credential.ServiceSpecificCredentialId,
      userKey: key,
      userName: canonical,
      service: this.service,
      name: candidate(n),
      status: 'Active',
      expiresAt: this.days === undefined ? undefined : m.now + this.days * DAY_MS,
      secret: (credential.ServicePassword ?? credential.ServiceCredentialSecret) as string,
    });
  }
  toString = () => `CreateCredential(${this.name}, ${this.service}, ${this.days})`;
}

/** Update, Reset or Delete of the n-th credential, named by its owner or (to test ownership) by another user. */
class Manage implements fc.AsyncCommand<Model, Real> {
  constructor(readonly action: 'Active' | 'Inactive' | 'Reset' | 'Delete', readonly index: number, readonly asOther: string | undefined) {}
  check = (m: Readonly<Model>) => m.credentials.length > 0;
  async run(m: Model, r: Real) {
    const target = pick(m.credentials, this.index) as ModelCredential;
    const userName = this.asOther ?? target.userName;
    const request = { UserName: userName, ServiceSpecificCredentialId: target.id };
    const result =
      this.action === 'Delete'
        ? await r.engine.deleteServiceSpecificCredential(request)
        : this.action === 'Reset'
          ? await r.engine.resetServiceSpecificCredential(request)
          : await r.engine.updateServiceSpecificCredential({ ...request, Status: this.action });
    const otherKey = userName.toLowerCase();
    if (!m.users.has(otherKey)) return void expect(result.isErr() && result.error.code).toBe('NoSuchEntity');
    if (otherKey !== target.userKey) return void expect(result.isErr() && result.error.message).toBe(`No such credential ${target.id} exists`);
    const expired = statusOf(m, target) === 'Expired';
    if (expired && (this.action === 'Reset' || this.action === 'Active')) return void expect(result.isErr() && result.error.code).toBe('InvalidInput');
    expect(result.isOk()).toBe(true);
    if (this.action === 'Delete') m.credentials = m.credentials.filter((c) => c !== target);
    else if (this.action === 'Reset' && result.isOk() && 'ServiceSpecificCredential' in result.value) {
      const issued = result.value.ServiceSpecificCredential;
      target.secret = (issued.ServicePassword ?? issued.ServiceCredentialSecret) as string;
    } else if (this.action !== 'Reset') target.status = this.action;
  }
  toString = () => `${this.action}(#${this.index}${this.asOther === undefined ? '' : ` as ${this.asOther}`})`;
}

class Authenticate implements fc.AsyncCommand<Model, Real> {
  constructor(readonly index: number) {}
  check = (m: Readonly<Model>) => m.credentials.length > 0;
  async run(m: Model, r: Real) {
    const target = pick(m.credentials, this.index) as ModelCredential;
    const result =
      target.service === BEDROCK
        ? await r.engine.authenticateApiKey({ ServiceName: BEDROCK, ApiKey: target.secret })
        : await r.engine.authenticate({ ServiceName: target.service, ServiceUserName: target.name, ServicePassword: target.secret });
    expect(result.isOk()).toBe(statusOf(m, target) === 'Active');
  }
  toString = () => `Authenticate(#${this.index})`;
}

class AdvanceClock implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    m.now += this.ms;
    r.clock.advance(this.ms);
  }
  toString = () => `Advance(${this.ms})`;
}

/** After every command the engine lists exactly the model's credentials, in some order, with the model's statuses. */
class ListAll implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    const seen: { id: string; status: string; name: string }[] = [];
    let marker: string | undefined;
    do {
      const page = await r.engine.listServiceSpecificCredentials({ AllUsers: true, MaxItems: 3, ...(marker === undefined ? {} : { Marker: marker }) });
      if (page.isErr()) throw new Error(page.error.message);
      for (const c of page.value.ServiceSpecificCredentials) {
        seen.push({ id: c.ServiceSpecificCredentialId, status: c.Status, name: (c.ServiceUserName ?? c.ServiceCredentialAlias) as string });
        expect(JSON.stringify(c)).not.toMatch(/Password|Secret/);
      }
      marker = page.value.Marker;
    } while (marker !== undefined);
    const expected = m.credentials.map((c) => ({ id: c.id, status: statusOf(m, c), name: c.name }));
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    expect(seen.sort(byId)).toEqual(expected.sort(byId));
  }
  toString = () => 'ListAll';
}

const commands = [
  fc.constantFrom(...USER_NAMES).map((n) => new CreateUser(n)),
  fc.constantFrom(...USER_NAMES).map((n) => new DeleteUser(n)),
  fc
    .tuple(fc.constantFrom(...USER_NAMES), fc.constantFrom(...SERVICES), fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined, freq: 3 }))
    .map(([n, s, d]) => new CreateCredential(n, s, d)),
  fc
    .tuple(fc.constantFrom('Active' as const, 'Inactive' as const, 'Reset' as const, 'Delete' as const), fc.nat(), fc.option(fc.constantFrom(...USER_NAMES), { freq: 4 }))
    .map(([a, i, o]) => new Manage(a, i, o ?? undefined)),
  fc.nat().map((i) => new Authenticate(i)),
  fc.integer({ min: 1, max: 2 * DAY_MS }).map((ms) => new AdvanceClock(ms)),
  fc.constant(new ListAll()),
];

describe('model-based: random operation sequences against a reference model', () => {
  it('agrees with the model on every outcome', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 80, size: 'large' }), async (cmds) => {
        const { engine, clock } = setup();
        const model: Model = { now: clock.now().getTime(), users: new Map(), credentials: [] };
        // Two users exist from the start so that short sequences already reach the credential rules.
        for (const name of ['ann', 'bo']) {
          await new CreateUser(name).run(model, { engine, clock });
        }
        await fc.asyncModelRun(() => ({ model, real: { engine, clock } }), cmds);
        await new ListAll().run(model, { engine, clock });
      }),
      { numRuns: 100 },
    );
  });
});
