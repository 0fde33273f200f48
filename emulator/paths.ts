/** Where the emulator's files are, from the package root (the same from src and from dist/). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest folder above this file that holds package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the twinnet package root');
    dir = up;
  }
  return dir;
}

/** The namespace agent's folder: its launcher, its Python package and its protocol's schema. */
export function agentDir(): string {
  return join(packageRoot(), 'emulator', 'agent');
}

/** The namespace agent's launcher (Python; see emulator/agent/twinnet_agent/__init__.py for why). */
export function agentScript(): string {
  return join(agentDir(), 'agent.py');
}
