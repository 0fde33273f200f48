// Types for bench/ns3.mjs, so that TypeScript tests can import it.
export const NS3_FLAGS: readonly string[];
export const NS3_LIBS: readonly string[];
export function ns3BuildKey(parts: {
  source: string;
  compiler: string;
  flags: readonly string[];
  ns3Version: string;
}): string;
export function ns3Peer(opts: { shared: string; outDir: string; log: (line: string) => void }): {
  bin: string;
  version: string;
  built: boolean;
};
