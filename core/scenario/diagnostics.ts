/**
 * Diagnostics: what is wrong with a scenario, where, and what was expected.
 *
 * Every check in twinnet reports through this type, so that all problems of a file are
 * reported at once, each with its file, line, column and field path, in the style of a
 * compiler (`file:line:col: error: path: message`). Paths are arrays until rendered so
 * that they can be located in the YAML source (`source.ts`).
 */

/** A step of a field path: an object key or an array index. */
export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export type Severity = 'error' | 'warning';

/** One problem found in a scenario. */
export interface Diagnostic {
  readonly severity: Severity;
  readonly path: Path;
  /** What is wrong and what was expected. */
  readonly message: string;
  /** The offending value as written, when there is one. */
  readonly value?: string;
  /** Filled in by `locate` from the YAML source; 1-based. */
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
}

/** Renders a path as `containers.web.networks[1]`; keys that are not identifiers are quoted. */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '(top level)' : out;
}

/** One diagnostic as a line a person can act on. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file === undefined ? '' : `${d.file}:${d.line ?? 1}:${d.col ?? 1}: `;
  const got = d.value === undefined ? '' : ` (got ${d.value})`;
  return `${where}${d.severity}: ${formatPath(d.path)}: ${d.message}${got}`;
}

/** Collects diagnostics during a pass; checks push, callers read `list`. */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];

  error(path: Path, message: string, value?: unknown): void {
    this.list.push(make('error', path, message, value));
  }

  warn(path: Path, message: string, value?: unknown): void {
    this.list.push(make('warning', path, message, value));
  }

  get errorCount(): number {
    return this.list.filter((d) => d.severity === 'error').length;
  }
}

function make(severity: Severity, path: Path, message: string, value: unknown): Diagnostic {
  return value === undefined ? { severity, path, message } : { severity, path, message, value: renderValue(value) };
}

/** Renders an offending value briefly: strings quoted, structures abbreviated. */
export function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? '[]' : '[...]';
  if (typeof v === 'object') return '{...}';
  return String(v);
}

/** Whether any diagnostic is an error (warnings do not stop a run). */
export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}
