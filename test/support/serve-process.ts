import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const MAIN = join(ROOT, 'src/protocol/cli/main.ts');

/** The URL the command prints once its IAM endpoint listens. */
export const LISTENING_URL = /listening on (http:\/\/[^\s]+)/;

/** The `iam-service-credentials` command in a child process of its own, as a user runs it (from source, through tsx). */
export interface CommandProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Settles once the process has exited and all its output has been read ('close', not 'exit', which can come first). */
  readonly exit: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  /** The first match of `pattern` in what it printed, once it appears; fails if the process exits before. */
  readonly waitFor: (pattern: RegExp) => Promise<RegExpExecArray>;
}

export const runCommand = (args: readonly string[], env: Record<string, string> = {}): CommandProcess => {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((settle) =>
    child.on('close', (code, signal) => settle({ code, signal })),
  );
  const waitFor = async (pattern: RegExp): Promise<RegExpExecArray> => {
    for (;;) {
      const match = pattern.exec(out);
      if (match !== null) return match;
      const exited = await Promise.race([exit.then(() => true), new Promise<boolean>((settle) => setTimeout(() => settle(false), 50))]);
      if (exited) throw new Error(`the command exited before printing ${pattern}: ${err}`);
    }
  };
  return { child, stdout: () => out, stderr: () => err, exit, waitFor };
};

/** The IAM endpoint's URL, once the command prints it. */
export const listeningUrl = async (command: CommandProcess): Promise<string> => (await command.waitFor(LISTENING_URL))[1] as string;
