import type { DoorName, LoginAttempt } from '../front-door/login-attempt.js';

/**
 * The newest `capacity` items pushed, oldest overwritten first. Its array is allocated once, so a million pushes hold exactly as much
 * memory as `capacity` (the items themselves aside).
 */
export class Ring<T> {
  readonly #slots: (T | undefined)[];
  #next = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError('Ring: capacity must be a positive integer');
    this.#slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.#size;
  }

  push(item: T): void {
    this.#slots[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
  }

  /** Newest first. */
  newestFirst(): T[] {
    const items: T[] = [];
    for (let i = 1; i <= this.#size; i++) items.push(this.#slots[(this.#next - i + this.capacity) % this.capacity] as T);
    return items;
  }

  clear(): void {
    this.#slots.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}

/** One login attempt at a door as the page shows it: what the log line says, with the time as epoch milliseconds. */
export interface LoginActivity extends LoginAttempt {
  readonly time: number;
  readonly client: string | undefined;
}

/**
 * One authorisation decision as the page shows it: who asked for what on which resource, the outcome, and why (the deciding
 * policy and statement, or that no statement allows).
 */
export interface DecisionActivity {
  readonly time: number;
  readonly door: DoorName | 'iam';
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly decision: 'allow' | 'explicit-deny' | 'implicit-deny';
  /** `enforced`, or `soft` when a denial was only logged. */
  readonly mode: 'enforced' | 'soft';
  readonly explanation: string;
}

/** How many entries each list keeps: the last 200 logins at each door, the last 200 decisions. */
export const ACTIVITY_CAPACITY = 200;

/**
 * Recent activity for the page: bounded rings, so memory stays flat however many logins a test run makes. Recording is one small
 * object and one array store per event; formatting waits until someone looks.
 */
export class ActivityLog {
  readonly #logins: Readonly<Record<DoorName, Ring<LoginActivity>>>;
  readonly #decisions: Ring<DecisionActivity>;

  constructor(
    capacity = ACTIVITY_CAPACITY,
    private readonly now: () => number = Date.now,
  ) {
    this.#logins = { git: new Ring(capacity), bedrock: new Ring(capacity), keyspaces: new Ring(capacity) };
    this.#decisions = new Ring(capacity);
  }

  recordLogin(attempt: LoginAttempt, client: string | undefined): void {
    // Field by field, not a spread: one fixed shape, which V8 builds many times faster than a copy of an unknown object.
    const { door, outcome, presented, accountId, reason } = attempt;
    this.#logins[door].push({ door, outcome, presented, accountId, reason, time: this.now(), client });
  }

  recordDecision(decision: Omit<DecisionActivity, 'time'>): void {
    const { door, principal, action, resource, mode, explanation } = decision;
    this.#decisions.push({ door, principal, action, resource, decision: decision.decision, mode, explanation, time: this.now() });
  }

  /** Every door's logins, newest first. */
  logins(): LoginActivity[] {
    return [...this.#logins.git.newestFirst(), ...this.#logins.bedrock.newestFirst(), ...this.#logins.keyspaces.newestFirst()].sort(
      (a, b) => b.time - a.time,
    );
  }

  decisions(): DecisionActivity[] {
    return this.#decisions.newestFirst();
  }

  clear(): void {
    for (const ring of Object.values(this.#logins)) ring.clear();
    this.#decisions.clear();
  }
}
