/**
 * Parse a scenario file: YAML (JSON is YAML too) to a structurally valid RawScenario,
 * with every syntax and schema problem reported at once, each with its position.
 *
 * Semantic checks (references, addresses, names) come later, in `resolve/` and
 * `validate/`; this step only guarantees the shape that the schema describes.
 */
import type { YAMLError } from 'yaml';
import { z } from 'zod';
import { DiagnosticSink, renderValue, type Diagnostic, type Path } from './diagnostics.js';
import { scenarioSchema, type RawScenario } from './schema/index.js';
import { notModelledField, notModelledValue } from './not-modelled.js';
import { SourceDoc } from './source.js';
import { checkStructure, tooDeep } from './yaml-structure.js';

/** The result of parsing: the scenario when its shape is valid, and every problem found. */
export interface ParseResult {
  readonly source: SourceDoc;
  readonly raw?: RawScenario;
  readonly diagnostics: Diagnostic[];
}

/** At most this many YAML syntax errors are listed; the rest are counted (one slip can cause hundreds). */
export const MAX_SYNTAX_ERRORS = 10;

/** Parses scenario text; `file` is only used in diagnostics. */
export function parseScenarioText(text: string, file: string): ParseResult {
  const binary = binaryAt(text);
  if (binary !== undefined) return { source: SourceDoc.parse('', file), diagnostics: [binary(file)] };
  const source = SourceDoc.parse(text, file);
  const at = (offset: number, message: string, path: Path = []): Diagnostic => ({
    severity: 'error',
    path,
    message,
    file,
    ...source.position(offset),
  });
  const syntax = source.doc.errors.map((e) => at(e.pos[0], syntaxMessage(e)));
  if (syntax.length > 0) return { source, diagnostics: capped(syntax, file) };
  const structure = checkStructure(source.doc, (o) => source.position(o));
  if (structure.length > 0) return { source, diagnostics: structure.map((p) => at(p.offset, p.message, p.path)) };
  let data: unknown;
  try {
    data = source.doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // The yaml package throws (not records) for an alias to an unknown anchor and for alias bombs.
    return {
      source,
      diagnostics: [
        {
          severity: 'error',
          path: [],
          message: `YAML: ${firstLine(String((e as Error).message))}`,
          file,
          line: 1,
          col: 1,
        },
      ],
    };
  }
  if (data === null || data === undefined) {
    return {
      source,
      diagnostics: [
        {
          severity: 'error',
          path: [],
          message: 'the file is empty; expected a scenario with version: 1',
          file,
          line: 1,
          col: 1,
        },
      ],
    };
  }
  const result = scenarioSchema.safeParse(data);
  if (result.success) return { source, raw: result.data, diagnostics: [] };
  const sink = new DiagnosticSink();
  for (const issue of result.error.issues) schemaIssue(sink, issue, data);
  const located = sink.list.map((d) => ({
    ...d,
    file,
    ...source.locate(d.path, /^(unknown field|bad name)|\(field "/.test(d.message)),
  }));
  return { source, diagnostics: located.sort((a, b) => a.line - b.line || a.col - b.col) };
}

/** A YAML error in the file's words: the library's advice is for programs that call it. */
function syntaxMessage(e: YAMLError): string {
  if (e.code === 'MULTIPLE_DOCS')
    return 'one scenario per file: a second YAML document starts here (after ---); put it in a file of its own';
  // The library catches its own stack overflow on deep nesting and records it.
  if (e.code === 'RESOURCE_EXHAUSTION') return tooDeep();
  return `YAML: ${firstLine(e.message)}`;
}

function capped(ds: Diagnostic[], file: string): Diagnostic[] {
  if (ds.length <= MAX_SYNTAX_ERRORS) return ds;
  const last = ds[MAX_SYNTAX_ERRORS - 1];
  const more: Diagnostic = {
    severity: 'error',
    path: [],
    message: `YAML: ${ds.length - MAX_SYNTAX_ERRORS} more syntax errors not shown`,
    file,
    line: last?.line ?? 1,
    col: last?.col ?? 1,
  };
  return [...ds.slice(0, MAX_SYNTAX_ERRORS), more];
}

/**
 * A character no YAML text may hold (YAML 1.2 5.1, c-printable: C0 controls other than
 * tab, line feed and carriage return, and DEL), as one located error: such a file is
 * binary, and the YAML parser would report every stray byte of it.
 */
function binaryAt(text: string): ((file: string) => Diagnostic) | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  const m = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.exec(text);
  if (m === null) return undefined;
  const before = text.slice(0, m.index);
  const line = before.split('\n').length;
  const col = m.index - before.lastIndexOf('\n');
  const code = (m[0].codePointAt(0) ?? 0).toString(16).padStart(2, '0');
  return (file) => ({
    severity: 'error',
    path: [],
    message: `not a text file: byte 0x${code} is not allowed in YAML; expected a scenario in YAML or JSON`,
    file,
    line,
    col,
  });
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/** Turns one zod issue into diagnostics that say what was expected. */
function schemaIssue(sink: DiagnosticSink, issue: z.core.$ZodIssue, data: unknown): void {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) {
      const missing = notModelledField(key);
      if (missing !== undefined) {
        sink.error([...path, key], `${missing} (field "${key}")`);
        continue;
      }
      const allowed = allowedKeys(path);
      const hint = suggest(key, allowed);
      sink.error([...path, key], `unknown field "${key}"${hint}; expected one of: ${allowed.join(', ')}`);
    }
    return;
  }
  if (issue.code === 'invalid_key') {
    const key = path[path.length - 1];
    const inner = issue.issues[0]?.message ?? 'invalid name';
    sink.error(path, `bad name ${JSON.stringify(key)}: ${inner}`);
    return;
  }
  const value = valueAt(data, path);
  if (issue.code === 'invalid_type' && value === undefined) {
    sink.error(path, `missing required field; expected ${issue.expected}`);
    return;
  }
  const missing = notModelledValue(path, value);
  if (missing !== undefined) {
    sink.error(path, missing, value);
    return;
  }
  sink.error(
    path,
    messageOf(issue),
    value === undefined ? undefined : renderValue(value) === '{...}' ? undefined : value,
  );
}

function messageOf(issue: z.core.$ZodIssue): string {
  const bound = boundMessage(issue);
  if (bound !== undefined) return bound;
  // zod's own messages start with "Invalid ..."; anything else is one of the schema's own.
  if (!issue.message.startsWith('Invalid')) return issue.message;
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  if (issue.code === 'invalid_value')
    return `expected one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

/** zod's size messages ("Too small: expected number to be >=0") in the file's words. */
function boundMessage(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'too_small' && issue.code !== 'too_big') return undefined;
  const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
  const cmp =
    issue.code === 'too_small'
      ? issue.inclusive
        ? 'at least'
        : 'more than'
      : issue.inclusive
        ? 'at most'
        : 'less than';
  if (issue.origin === 'array') return `expected ${cmp} ${bound} item${Number(bound) === 1 ? '' : 's'}`;
  if (issue.origin === 'string') return `expected ${cmp} ${bound} characters`;
  return `expected a number ${cmp} ${bound}`;
}

function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** The keys the schema allows at an object path (walking zod's definitions). */
export function allowedKeys(path: Path): string[] {
  let s: unknown = scenarioSchema;
  for (const seg of path) s = childSchema(s, seg);
  const shape = objectShape(s);
  return shape === undefined ? [] : Object.keys(shape);
}

interface Def {
  type: string;
  shape?: Record<string, unknown>;
  valueType?: unknown;
  element?: unknown;
  innerType?: unknown;
  options?: unknown[];
  items?: unknown[];
}

function defOf(s: unknown): Def | undefined {
  return (s as { _zod?: { def: Def } } | undefined)?._zod?.def;
}

function unwrap(s: unknown): unknown {
  let d = defOf(s);
  while (d !== undefined && (d.type === 'optional' || d.type === 'default' || d.type === 'nullable')) {
    s = d.innerType;
    d = defOf(s);
  }
  return s;
}

function objectShape(s: unknown): Record<string, unknown> | undefined {
  const d = defOf(unwrap(s));
  if (d?.type === 'object') return d.shape;
  if (d?.type === 'union') {
    const shapes = (d.options ?? []).map(objectShape).filter((x) => x !== undefined);
    return shapes.length === 0 ? undefined : Object.assign({}, ...shapes);
  }
  return undefined;
}

function childSchema(s: unknown, seg: string | number): unknown {
  const d = defOf(unwrap(s));
  if (d === undefined) return undefined;
  if (d.type === 'object') return d.shape?.[String(seg)];
  if (d.type === 'union') {
    return (d.options ?? []).map((o) => childSchema(o, seg)).find((x) => x !== undefined);
  }
  if (d.type === 'record') return d.valueType;
  if (d.type === 'array') return d.element;
  if (d.type === 'tuple') return typeof seg === 'number' ? d.items?.[seg] : undefined;
  return undefined;
}

/** ` (did you mean "x"?)` when a key is one or two edits from an allowed one. */
function suggest(key: string, allowed: readonly string[]): string {
  const best = allowed
    .map((a) => ({ a, d: editDistance(key.toLowerCase(), a.toLowerCase()) }))
    .sort((x, y) => x.d - y.d)[0];
  return best !== undefined && best.d <= 2 ? ` (did you mean "${best.a}"?)` : '';
}

/** Levenshtein distance; small inputs only (field names). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
