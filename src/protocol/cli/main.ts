#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { createLineWriter, writeToStream } from './line-writer.js';
import { packageVersion } from './package-version.js';
import { HELP, HELP_HINT, parseCommand } from './serve-options.js';
import { type RunningServer, StartupError, startServer } from './serve.js';

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** stderr: errors. A closed stderr is given up silently (there is nowhere left to say so). */
const writeError = writeToStream(process.stderr, () => undefined);
const errorLine = (line: string): void => writeError(`${line}\n`);

/**
 * stdout: the startup line, the access log, shutdown messages, in order; written once per event-loop turn (see line-writer.ts). A
 * closed stdout (EPIPE) stops the log, never the endpoint.
 */
const out = createLineWriter(
  writeToStream(process.stdout, (error) => errorLine(`iam-service-credentials: stdout failed (${error.message}); the log is dropped from now on`)),
);

/** The `iam-service-credentials` command: `serve` a local IAM Query endpoint until SIGINT/SIGTERM. */
const main = async (): Promise<number> => {
  const command = parseCommand(process.argv.slice(2), process.env, (path) => readFileSync(path, 'utf8'));
  if (command.kind === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (command.kind === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  if (command.kind === 'error') {
    writeError(`iam-service-credentials: ${command.message}\n${HELP_HINT}\n`);
    return 2;
  }

  // Signal handlers go in before the server starts, so a signal that arrives right after the startup line is never the default
  // (abrupt) exit.
  let server: RunningServer | undefined;
  let stopping = false;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const shutDown = (running: RunningServer): void => {
    running.close().then(
      () => {
        out.line('iam-service-credentials: stopped');
        finish(0);
      },
      (error: unknown) => {
        errorLine(`iam-service-credentials: error while closing the store: ${describeError(error)}`);
        finish(1);
      },
    );
  };
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      out.flush();
      errorLine(`iam-service-credentials: ${signal} again, exiting now`);
      process.exit(1);
    }
    stopping = true;
    out.line(`iam-service-credentials: ${signal} received, shutting down`);
    if (server !== undefined) shutDown(server); // else: still starting, shut down as soon as it is up
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  try {
    server = await startServer(command.config, { log: (line) => out.line(line), error: (line) => errorLine(line) });
  } catch (error) {
    out.flush();
    errorLine(`iam-service-credentials: ${error instanceof StartupError ? error.message : describeError(error)}`);
    return 1;
  }
  if (stopping) shutDown(server);
  else out.line('iam-service-credentials: press Ctrl-C to stop');
  return finished;
};

main().then(
  (code) => {
    out.flush();
    process.exit(code);
  },
  (error: unknown) => {
    out.flush();
    errorLine(`iam-service-credentials: unexpected failure: ${describeError(error)}`);
    process.exit(1);
  },
);
