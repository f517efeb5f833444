import { type Result, ResultAsync } from 'neverthrow';
import type { IamError } from '../domain/iam-error.js';
import { type EngineDependencies, internalFailure } from './engine-dependencies.js';

/** What an operation yields: the promise of one port call's answer (a port that answered at once is never yielded). */
export type PortAnswer = unknown;

/**
 * An operation: a synchronous generator that decides everything itself and calls the ports it needs in order. A port that answers
 * at once (the embedded adapters' synchronous face) is read on the spot; a port that answers with a promise is yielded to the
 * driver, which hands the answer back settled. It returns its answer as a Result; a failed port call is thrown where it was made (at
 * once, or by the driver when its promise rejects), and one the operation does not catch (like a throwing clock or random source)
 * becomes ServiceFailure.
 */
export type Operation<T> = Generator<PortAnswer, Result<T, IamError>, unknown>;

/** `const user = yield* findUser(...)`: a step of an operation that may itself wait for ports, used with `yield*`. */
export type Step<T> = Iterable<PortAnswer, T, unknown>;

/**
 * One port call that answered with a promise: `yield*` hands the promise to the driver once and evaluates to the answer settled,
 * read through `interpret` (or throws what the promise rejected with). An iterator of its own rather than a generator, and its own
 * iterator result (`yield*` reads `done` and `value` at once), so waiting for a port allocates one object; `interpret` is a
 * module-level function given `about` rather than a closure, so that it allocates none.
 */
class PortCall<Answer, About, T> implements Iterator<PortAnswer, T, unknown> {
  done = false;
  value: unknown;
  private asked = false;

  constructor(
    private readonly answer: Answer | PromiseLike<Answer>,
    private readonly interpret: ((answer: Answer, about: About) => T) | undefined,
    private readonly about: About,
  ) {}

  [Symbol.iterator](): this {
    return this;
  }

  next(settled?: unknown): IteratorResult<PortAnswer, T> {
    if (!this.asked) {
      this.asked = true;
      this.value = this.answer;
    } else {
      this.done = true;
      this.value = this.interpret === undefined ? settled : this.interpret(settled as Answer, this.about);
    }
    return this as IteratorResult<PortAnswer, T>;
  }

  throw(cause: unknown): never {
    throw cause;
  }
}

/**
 * What `yield*` reads when a port answered at once (the embedded adapters): finished at the first `next`, so the operation goes on
 * without suspending and the driver never sees the call. `yield*` reads `done` and `value` straight after `answerOf` returns, before
 * any other code runs, so one object serves every such call.
 */
class AnsweredAtOnce implements Iterator<PortAnswer, unknown, unknown> {
  readonly done = true;
  value: unknown;

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<PortAnswer, unknown> {
    return this;
  }
}

const answeredAtOnce = new AnsweredAtOnce();

const isPromiseLike = (answer: unknown): answer is PromiseLike<unknown> =>
  typeof answer === 'object' && answer !== null && typeof (answer as { then?: unknown }).then === 'function';

/**
 * `const deleted = yield* answerOf(deps.ports.store.deleteCredential(...))`: the settled answer of one port call, read through
 * `interpret(answer, about)` when given. An answer that is already there is handed back at once; a promise is yielded to the driver.
 */
export function answerOf<Answer>(answer: Answer | PromiseLike<Answer>): Step<Answer>;
export function answerOf<Answer, About, T>(
  answer: Answer | PromiseLike<Answer>,
  interpret: (answer: Answer, about: About) => T,
  about: About,
): Step<T>;
export function answerOf<Answer, About, T>(
  answer: Answer | PromiseLike<Answer>,
  interpret?: (answer: Answer, about: About) => T,
  about?: About,
): Step<T> {
  if (isPromiseLike(answer)) return new PortCall<Answer, About, T>(answer, interpret, about as About);
  answeredAtOnce.value = interpret === undefined ? answer : interpret(answer, about as About);
  return answeredAtOnce as Step<T>;
}

/**
 * The imperative shell: an operation yields only the promises of port calls that did not answer at once; this waits for each and
 * hands its outcome back (`resumeWith` is the answer or, when `failed`, the rejection). Over the embedded adapters nothing is
 * yielded, so the operation runs to its end inside the first call, with no await and no promise but the one `run` hands out.
 */
const proceed = <T>(
  deps: EngineDependencies,
  operation: Operation<T>,
  resumeWith: unknown,
  failed: boolean,
): Result<T, IamError> | Promise<Result<T, IamError>> => {
  try {
    const step = failed ? operation.throw(resumeWith) : operation.next(resumeWith);
    if (step.done === true) return step.value;
    return Promise.resolve(step.value).then(
      (settled) => proceed(deps, operation, settled, false),
      (cause: unknown) => proceed(deps, operation, cause, true),
    );
  } catch (cause) {
    return internalFailure(deps, cause);
  }
};

export const run = <T>(deps: EngineDependencies, operation: Operation<T>): ResultAsync<T, IamError> =>
  new ResultAsync(Promise.resolve(proceed(deps, operation, undefined, false)));
