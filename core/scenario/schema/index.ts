/**
 * The scenario format, version 1: the whole file.
 *
 * One schema serves three purposes: validating parsed files (with paths for errors),
 * typing the raw scenario, and exporting the JSON Schema that editors use
 * (`twinnet schema`, `schema/scenario.schema.json`).
 */
import { z } from 'zod';
import { duration, name } from './common.js';
import { host, link, segment } from './hosts.js';
import { container, network } from './networks.js';
import { timelineEntry } from './timeline.js';

export const SCENARIO_FORMAT_VERSION = 1;

export const scenarioSchema = z
  .strictObject({
    version: z.literal(SCENARIO_FORMAT_VERSION, { error: `expected version: ${SCENARIO_FORMAT_VERSION}` }),
    name: name.optional().describe('default: the file name without its extension'),
    description: z.string().optional().describe('what the scenario shows'),
    seed: z.int().min(0).max(0xffffffff).optional().describe('seed of the run\'s random stream; default 1'),
    duration: duration.optional().describe('how long the run lasts; default until the last probe is done'),
    hosts: z.record(name, host).optional(),
    segments: z.record(name, segment).optional(),
    links: z.array(link).optional(),
    networks: z.record(name, network).optional(),
    containers: z.record(name, container).optional(),
    timeline: z.array(timelineEntry).optional(),
    capture: z.array(z.string()).optional().describe('interfaces to capture, as NAME:IFNAME'),
  })
  .describe('A twinnet scenario: Docker-style networking across hosts, a timeline, and expectations.');

/** A scenario file as written, after structural validation. */
export type RawScenario = z.infer<typeof scenarioSchema>;
export type RawHost = NonNullable<RawScenario['hosts']>[string];
export type RawNetwork = NonNullable<RawScenario['networks']>[string];
export type RawContainer = NonNullable<RawScenario['containers']>[string];
export type RawTimelineEntry = NonNullable<RawScenario['timeline']>[number];
export type RawLink = NonNullable<RawScenario['links']>[number];

/** The JSON Schema (draft 2020-12) of the format. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://twinnet.dev/schema/scenario-v1.json',
    title: 'twinnet scenario (format version 1)',
  };
}
