/**
 * The npm package ships the namespace agent: package.json "files" once listed only dist/
 * and the rest, so an installed twinnet had no agent.py and no emulator run could start.
 * Checked against the "files" entries as npm reads plain paths (a file, or a folder and
 * all below it); `npm pack --dry-run --ignore-scripts` lists the same, in seconds more.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentDir, agentScript, packageRoot } from '../paths.js';

describe('the npm package', () => {
  it("holds the agent's launcher, its package and its protocol schema", () => {
    const files = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { files: string[] }).files;
    const packed = (path: string) => files.some((f) => path === f || path.startsWith(`${f.replace(/\/$/, '')}/`));
    const pkg = join(agentDir(), 'twinnet_agent');
    const needed = [
      agentScript(),
      join(agentDir(), 'protocol.schema.json'),
      ...readdirSync(pkg)
        .filter((f) => f.endsWith('.py'))
        .map((f) => join(pkg, f)),
    ];
    for (const f of needed) expect(packed(relative(packageRoot(), f)), f).toBe(true);
  });
});
