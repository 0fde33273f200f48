// Types for bench/targets.mjs, so that TypeScript tests can import it.
export const SIM_VS_NS3: number;
export const EMU_VS_FLOOR: number;
export const COMMAND_SECONDS: number;
export interface Judged {
  readonly target: string;
  readonly at: string;
  readonly value: string;
  readonly limit: string;
  readonly status: 'met' | 'NOT MET' | 'not measured';
}
export function judgeTargets(results: Record<string, unknown>): Judged[];
