/**
 * Structural checks of a parsed YAML document that the `yaml` package leaves to us:
 * duplicate keys and nesting depth, found in one walk over the document's nodes.
 *
 * The package's own duplicate-key check (`uniqueKeys`) compares every key of a map with
 * every earlier one, which is quadratic: a scenario with 100,000 containers took minutes
 * to parse. Here each map keeps a Set of its keys, so the check is linear, and each
 * duplicate is reported at its own line with its field path. Keys are compared as the
 * JavaScript object built from the document compares them (`1` and `"1"` are the same
 * key there); complex keys (a map or a sequence as a key) are left alone. Aliases are
 * not followed: an alias is a reference, not nesting.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document } from 'yaml';
import type { Path } from './diagnostics.js';

/**
 * The deepest nesting of maps and sequences a scenario may have. The deepest field of
 * the format is about 8 levels down; the limit keeps the recursive steps after parsing
 * (building the data, checking the schema) far from the stack's end.
 */
export const MAX_NESTING = 64;

/** A problem found by the walk: what, where (offset in the text) and the field path. */
export interface StructureProblem {
  readonly path: Path;
  readonly offset: number;
  readonly message: string;
}

/**
 * Every duplicate key, and the first place nested deeper than MAX_NESTING (its path cut to
 * the top-level field: the line and column say where).
 */
export function checkStructure(
  doc: Document.Parsed,
  position: (offset: number) => { line: number },
): StructureProblem[] {
  const out: StructureProblem[] = [];
  walk(doc.contents, [], 1, out, position);
  return out;
}

function walk(
  node: unknown,
  path: Path,
  depth: number,
  out: StructureProblem[],
  position: (offset: number) => { line: number },
): void {
  if (!isMap(node) && !isSeq(node)) return;
  if (depth > MAX_NESTING) {
    if (!out.some((p) => p.message.startsWith('nested too deeply')))
      out.push({ path: path.slice(0, 1), offset: startOf(node), message: tooDeep() });
    return;
  }
  if (isSeq(node)) {
    node.items.forEach((item, i) => walk(item, [...path, i], depth + 1, out, position));
    return;
  }
  const seen = new Map<string, number>();
  for (const pair of node.items) {
    if (!isPair(pair)) continue;
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key !== undefined) {
      const first = seen.get(key);
      const at = startOf(pair.key);
      if (first === undefined) seen.set(key, at);
      else
        out.push({
          path: [...path, key],
          offset: at,
          message: `duplicate key "${key}"; it is already given at line ${position(first).line}`,
        });
    }
    if (!isAlias(pair.value)) walk(pair.value, key === undefined ? path : [...path, key], depth + 1, out, position);
  }
}

/** The message for input nested deeper than the limit (also for the parser's own overflow). */
export function tooDeep(): string {
  return `nested too deeply; a scenario has at most ${MAX_NESTING} levels of maps and lists`;
}

function startOf(node: unknown): number {
  const r = (node as { range?: readonly number[] | null } | null)?.range;
  return r?.[0] ?? 0;
}
