/**
 * How `twinnet sim` and `twinnet emulate` lay out their table of probes for where their
 * output goes: the terminal's width on a terminal, else COLUMNS when set, else
 * DEFAULT_TABLE_WIDTH; colour only on a terminal and only when NO_COLOR is unset or
 * empty (https://no-color.org: "when present and not an empty string, regardless of its
 * value, prevents the addition of ANSI color"); `--wide` prints every cell in full.
 * Not handled: FORCE_COLOR, and a terminal resized while the table prints.
 */
import { DEFAULT_TABLE_WIDTH, type ProbeTableOptions } from '../reports/probe-table.js';

/** What the table needs to know of its output stream (process.stdout is one). */
export interface TableStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** The table options for `out`, under the environment `env`. */
export function tableStyle(out: TableStream, env: NodeJS.ProcessEnv, wide: boolean): ProbeTableOptions {
  const tty = out.isTTY === true;
  const columns = Number(env.COLUMNS);
  const width =
    tty && out.columns !== undefined && out.columns > 0
      ? out.columns
      : Number.isInteger(columns) && columns > 0
        ? columns
        : DEFAULT_TABLE_WIDTH;
  const color = tty && (env.NO_COLOR === undefined || env.NO_COLOR === '');
  return { width, wide, color };
}
