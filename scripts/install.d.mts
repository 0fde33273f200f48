// Types for scripts/install.mjs, so that TypeScript tests can import it.
export interface Dep {
  readonly command?: string;
  readonly file?: string;
  readonly pkg: string;
  readonly why: string;
}
export interface Host {
  have(command: string): boolean;
  exists(path: string): boolean;
  isRoot(): boolean;
  isDebian(): boolean;
  run(argv: readonly string[], opts?: object): number;
  log(line: string): void;
}
export const HOST: Host;
export function missingDeps(deps: readonly Dep[], host?: Host): Dep[];
export function ensureDeps(
  deps: readonly Dep[],
  purpose: string,
  host?: Host,
): { ok: true; installed: string[] } | { ok: false; message: string };
