// The benchmark's targets, judged from one run's results (bench/run.mjs): each target
// at each size it applies to, with the measured value, the limit and met or not met.
// Ratios use only figures measured in the same run: a peer that was not measured (its
// recorded figures, if shown, are context) leaves its targets "not measured".

/** Simulator delivered packets per second against ns-3's, warm and cold, at every N. */
export const SIM_VS_NS3 = 10;
/** Emulator build + teardown against the `ip -batch` floor's build + teardown commands. */
export const EMU_VS_FLOOR = 1.2;
/** Each command on the 10,000-container file, wall seconds. */
export const COMMAND_SECONDS = 10;
/** Simulator build of 1,000 containers: seconds and topology bytes per container. */
export const BUILD_SECONDS = 1;
export const BUILD_BYTES = 20480;

const verdict = (measured, ok) => (!measured ? 'not measured' : ok ? 'met' : 'NOT MET');

/** Returns the list of { target, at, value, limit, status }. */
export function judgeTargets({ throughput = [], build = [], commands, emulator }) {
  const out = [];
  for (const r of throughput) {
    const measured = r.ns3?.measured === true && r.ns3.pktsPerSec > 0;
    for (const [kind, pps] of [
      ['warm', r.sim.pktsPerSec],
      ['cold', r.sim.coldPktsPerSec],
    ]) {
      const ratio = measured ? pps / r.ns3.pktsPerSec : undefined;
      out.push({
        target: `simulator pkts/s >= ${SIM_VS_NS3}x ns-3 (${kind})`,
        at: `${r.topo} N=${r.n}`,
        value: ratio === undefined ? '-' : `${ratio.toFixed(1)}x`,
        limit: `${SIM_VS_NS3}x`,
        status: verdict(measured, ratio >= SIM_VS_NS3),
      });
    }
  }
  for (const b of build) {
    if (b.containers !== 1000) continue;
    out.push({
      target: `simulator build < ${BUILD_SECONDS} s, < ${BUILD_BYTES / 1024} KB per container`,
      at: `${b.containers} containers`,
      value: `${b.totalWall.toFixed(3)} s, ${Math.round(b.topologyBytesPerContainer)} B`,
      limit: `${BUILD_SECONDS} s, ${BUILD_BYTES} B`,
      status: verdict(true, b.totalWall < BUILD_SECONDS && b.topologyBytesPerContainer < BUILD_BYTES),
    });
  }
  for (const r of commands?.rows ?? []) {
    out.push({
      target: `command < ${COMMAND_SECONDS} s`,
      at: `${r.command}, ${commands.containers} containers`,
      value: r.exit === 0 ? `${r.wallS.toFixed(2)} s` : `exit ${r.exit}`,
      limit: `${COMMAND_SECONDS} s`,
      status: verdict(true, r.exit === 0 && r.wallS < COMMAND_SECONDS),
    });
  }
  for (const r of emulator?.rows ?? []) {
    const floor = r.floor === undefined ? undefined : r.floor.build + r.floor.teardownCmd;
    const ratio = floor === undefined ? undefined : (r.build + r.teardown) / floor;
    out.push({
      target: `emulator build + teardown <= ${EMU_VS_FLOOR}x ip -batch floor`,
      at: `${r.topo} N=${r.n}`,
      value: ratio === undefined ? '-' : `${ratio.toFixed(2)}x`,
      limit: `${EMU_VS_FLOOR}x`,
      status: verdict(ratio !== undefined, ratio <= EMU_VS_FLOOR),
    });
  }
  return out;
}
