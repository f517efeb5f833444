import { type Result, ResultAsync } from 'neverthrow';
import type { IamError } from '../domain/iam-error.js';
import { type EngineDependencies, internalFailure } from './engine-dependencies.js';

/**
 * What an operation yields: the answer of one port call it made, as the port gave it. On the immediate face of the ports (the
 * embedded adapters) that is the answer itself; on the async face, a promise of it.
 */
export type PortAnswer = unknown;

/**
 * An operation: a synchronous generator that decides everything itself, calls the ports it needs in order, and yields each call's
 * answer to the driver, which hands it back settled. It returns its answer as a Result; a failed port call is thrown where it was
 * made (at once, or by the driver when its promise rejects), and one the operation does not catch (like a throwing clock or random
 * source) becomes ServiceFailure.
 */
export type Operation<T> = Generator<PortAnswer, Result<T, IamError>, unknown>;

/** `const user = yield* findUser(...)`: a step of an operation that may itself wait for ports, used with `yield*`. */
export type Step<T> = Iterable<PortAnswer, T, unknown>;

/**
 * One port call inside an operation: `yield*` hands the answer to the driver once and evaluates to it settled, read through
 * `interpret` (or throws what the port's promise rejected with). An iterator of its own rather than a generator, and its own
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
 * `const deleted = yield* answerOf(deps.ports.store.deleteCredential(...))`: the settled answer of one port call, read through
 * `interpret(answer, about)` when given.
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
  return new PortCall<Answer, About, T>(answer, interpret, about as About);
}

/**
 * The imperative shell: waits for the answers an operation yields and hands them back. While the ports answer at once (the
 * embedded adapters) it runs the operation to its end inside this call, with no await and no promise but the one `run` hands
 * out; when they answer with a promise it continues once that settles. `resumeWith` is the answer (or, when `failed`, the
 * rejection) for the step the operation is waiting at.
 */
const proceed = <T>(
  deps: EngineDependencies,
  operation: Operation<T>,
  resumeWith: unknown,
  failed: boolean,
): Result<T, IamError> | Promise<Result<T, IamError>> => {
  try {
    let step = failed ? operation.throw(resumeWith) : operation.next(resumeWith);
    while (step.done !== true) {
      const answer = step.value;
      if (!deps.portsAnswerAtOnce) {
        return Promise.resolve(answer).then(
          (settled) => proceed(deps, operation, settled, false),
          (cause: unknown) => proceed(deps, operation, cause, true),
        );
      }
      step = operation.next(answer);
    }
    return step.value;
  } catch (cause) {
    return internalFailure(deps, cause);
  }
};

export const run = <T>(deps: EngineDependencies, operation: Operation<T>): ResultAsync<T, IamError> =>
  new ResultAsync(Promise.resolve(proceed(deps, operation, undefined, false)));
