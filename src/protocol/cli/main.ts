#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { HELP, parseCommand } from './serve-options.js';
import { StartupError, startServer } from './serve.js';

/** The `iam-service-credentials` command: `serve` a local IAM Query endpoint until SIGINT/SIGTERM. */
const main = async (): Promise<number> => {
  const command = parseCommand(process.argv.slice(2), process.env, (path) => readFileSync(path, 'utf8'));
  if (command.kind === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (command.kind === 'error') {
    process.stderr.write(`iam-service-credentials: ${command.message}\n\n${HELP}`);
    return 2;
  }
  let running;
  try {
    running = await startServer(command.config, { log: (line) => console.log(line), error: (line) => console.error(line) });
  } catch (error) {
    console.error(`iam-service-credentials: ${error instanceof StartupError ? error.message : String(error)}`);
    return 1;
  }
  const server = running;
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        console.error(`iam-service-credentials: ${signal} again, exiting now`);
        resolve(1);
        return;
      }
      stopping = true;
      console.log(`iam-service-credentials: ${signal} received, shutting down`);
      server.close().then(
        () => {
          console.log('iam-service-credentials: stopped');
          resolve(0);
        },
        (error: unknown) => {
          console.error(`iam-service-credentials: error while closing the store: ${error instanceof Error ? error.message : String(error)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`iam-service-credentials: unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
