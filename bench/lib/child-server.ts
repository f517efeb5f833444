import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ChildServer {
  readonly port: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

const benchDir = dirname(fileURLToPath(import.meta.url)).replace(/\/lib$/, '');

/**
 * Starts `bench/http-server.ts` in its own Node process (so the load generator and the server each get a core) and waits for the
 * line with its port. `setup` is handed over as JSON on the command line.
 */
export const startChildServer = async (mode: 'project' | 'bare', setup: unknown): Promise<ChildServer> => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(benchDir, 'http-server.ts'), mode, JSON.stringify(setup)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let buffered = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code} before listening`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const match = /^listening (\d+)$/m.exec(buffered);
      if (match?.[1] !== undefined) resolve(Number(match[1]));
    });
  });
  return {
    port,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
};

/** Starts an external program and waits until `ready()` answers true (polling), or gives up after `timeoutMs`. */
export const waitUntil = async (ready: () => Promise<boolean>, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
};
