import { type Result, ResultAsync } from 'neverthrow';
import type { IamError } from '../domain/iam-error.js';
import type { ImmediatePorts, Ports } from '../ports/immediate.port.js';
import { type EngineDependencies, internalFailure } from './engine-dependencies.js';

/**
 * One port call an operation asks for. It is written once and runs on either face of the ports: on the async one it answers a
 * promise, on the immediate one (same methods, same arguments) the answer itself.
 */
export type PortRequest = (ports: Ports | ImmediatePorts) => unknown;

/**
 * An operation: a synchronous generator that decides everything itself and yields only the port calls it needs, in order. It
 * returns its answer as a Result; a failed port call is thrown back where it was asked for, and one the operation does not catch
 * (like a throwing clock or random source) becomes ServiceFailure.
 */
export type Operation<T> = Generator<PortRequest, Result<T, IamError>, unknown>;

/**
 * One port call inside an operation: `yield*` hands the request to the driver once and evaluates to the answer it sends back, read
 * through `interpret` (or throws what the port threw). An iterator of its own rather than a generator, and its own iterator result
 * (`yield*` reads `done` and `value` at once), so a port call allocates one object.
 */
class PortCall<Answer, T> implements Iterator<PortRequest, T, unknown> {
  done = false;
  value: unknown;

  constructor(
    private readonly request: PortRequest,
    private readonly interpret: (answer: Answer) => T,
  ) {}

  [Symbol.iterator](): this {
    return this;
  }

  next(answer?: unknown): IteratorResult<PortRequest, T> {
    if (this.value === undefined) this.value = this.request;
    else {
      this.done = true;
      this.value = this.interpret(answer as Answer);
    }
    return this as IteratorResult<PortRequest, T>;
  }

  throw(cause: unknown): never {
    throw cause;
  }
}

const asIs = <T>(answer: T): T => answer;

/**
 * `const user = yield* perform((ports) => ports.users.getUser(accountId, userName))`: one port call, and its answer (read through
 * `interpret` when given).
 */
export function perform<Answer>(request: (ports: Ports | ImmediatePorts) => Answer | PromiseLike<Answer>): Iterable<PortRequest, Answer, unknown>;
export function perform<Answer, T>(
  request: (ports: Ports | ImmediatePorts) => Answer | PromiseLike<Answer>,
  interpret: (answer: Answer) => T,
): Iterable<PortRequest, T, unknown>;
export function perform<Answer, T>(
  request: (ports: Ports | ImmediatePorts) => Answer | PromiseLike<Answer>,
  interpret: (answer: Answer) => T = asIs as (answer: Answer) => T,
): Iterable<PortRequest, T, unknown> {
  return new PortCall<Answer, T>(request, interpret);
}

/**
 * The imperative shell: performs the port calls an operation yields and hands back their answers, awaiting them only when the
 * ports answer with promises. With the embedded adapters an operation therefore runs to its end inside this call.
 */
const drive = async <T>(deps: EngineDependencies, operation: Operation<T>): Promise<Result<T, IamError>> => {
  const { ports, portsAnswerAtOnce } = deps;
  try {
    let step = operation.next();
    while (step.done !== true) {
      let answer: unknown;
      try {
        answer = portsAnswerAtOnce ? step.value(ports) : await step.value(ports);
      } catch (cause) {
        step = operation.throw(cause);
        continue;
      }
      step = operation.next(answer);
    }
    return step.value;
  } catch (cause) {
    return internalFailure(deps, cause);
  }
};

export const run = <T>(deps: EngineDependencies, operation: Operation<T>): ResultAsync<T, IamError> => new ResultAsync(drive(deps, operation));
