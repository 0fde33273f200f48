/**
 * A parsed YAML (or JSON) document that remembers where every value came from, so that
 * diagnostics found at any later stage can name the line and column of the field.
 *
 * Uses the `yaml` package's CST-backed nodes: each node keeps its byte range, and a
 * LineCounter turns offsets into 1-based line and column numbers.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { Diagnostic, Path } from './diagnostics.js';

/** A document with positions. */
export class SourceDoc {
  private constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /**
   * Parses text; YAML syntax errors are in `doc.errors`. Duplicate keys are not among
   * them: the package's check is quadratic, so `yaml-structure.ts` finds them instead.
   */
  static parse(text: string, file: string): SourceDoc {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
    return new SourceDoc(file, doc, lines);
  }

  /** Line and column (1-based) of an offset. */
  position(offset: number): { line: number; col: number } {
    return this.lines.linePos(offset);
  }

  /**
   * Where the value at `path` starts; for a missing key, where its nearest existing
   * ancestor starts; for an unknown key (`keyOf`), where that key is written.
   */
  locate(path: Path, keyOf = false): { line: number; col: number } {
    let node: unknown = this.doc.contents;
    let at = rangeStart(node) ?? 0;
    for (const seg of path) {
      const next = child(node, seg, keyOf && seg === path[path.length - 1]);
      if (next === undefined) break;
      node = next;
      at = rangeStart(node) ?? at;
    }
    return this.position(at);
  }

  /** Adds file, line and column to diagnostics that have a path. */
  attach(ds: readonly Diagnostic[]): Diagnostic[] {
    return ds.map((d) => (d.line !== undefined ? d : { ...d, file: this.file, ...this.locate(d.path) }));
  }
}

function rangeStart(node: unknown): number | undefined {
  const r = (node as Node | null)?.range;
  return r === undefined || r === null ? undefined : r[0];
}

function child(node: unknown, seg: string | number, wantKey: boolean): unknown {
  if (isMap(node)) {
    const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
    if (pair === undefined) return undefined;
    return wantKey ? pair.key : (pair.value ?? pair.key);
  }
  if (isSeq(node) && typeof seg === 'number') return node.items[seg];
  return undefined;
}
