/**
 * Lint of a compiled plan: checks that need the Linux state the compile step produced
 * rather than the scenario alone (a route over a connected route, a tunnel too big for
 * its underlay path, a probe that cannot leave its own namespace). They run once, on the
 * plan the command goes on to use (core/plan/load-plan.ts), and report at the scenario's
 * lines through the model's paths, as validation does.
 *
 * Each check runs only while nothing so far is an error, as before they moved here from
 * validation: a route Linux refuses makes the later tunnel and probe checks moot.
 */
import type { DiagnosticSink } from '../../scenario/diagnostics.js';
import type { ScenarioModel } from '../../scenario/model.js';
import type { Plan } from '../types.js';
import { checkRoutesOverConnected } from './connected-routes.js';
import { checkSelfProbes } from './self-probe.js';
import { checkTunnelMtus } from './tunnel-mtu.js';

/** Runs every check of the plan compiled from `m`, reporting into the sink. */
export function lintPlan(sink: DiagnosticSink, m: ScenarioModel, plan: Plan): void {
  if (sink.errorCount === 0) checkRoutesOverConnected(sink, m, plan);
  if (sink.errorCount === 0) checkTunnelMtus(sink, m, plan);
  if (sink.errorCount === 0) checkSelfProbes(sink, m, plan);
}
