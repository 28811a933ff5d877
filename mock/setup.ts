// Roster and population for a region: what every subcommand starts from.
import type { Org } from '../server/contract/roster.ts';
import type { Granularity } from './area.ts';
import { areaRegion, outsideCounties } from './places.ts';
import { activityPerDay, buildPopulation, type Population } from './population.ts';
import { seedOf } from './prng.ts';
import { DAY_MS } from './rhythm.ts';
import { buildRoster, DEFAULT_ROSTER_SEED } from './roster.ts';

export const DEFAULT_REGION = '610100';
/** the region the subcommands default to: the configured area (AREA), else 西安 610100 */
export const defaultRegion = (): string => process.env.AREA?.trim() || DEFAULT_REGION;
export const DEFAULT_SEED = 42;
/** The activity scale of live and backfill by default: the realistic volume (~1.8 events per member and day). */
export const DEFAULT_SCALE = 1;

export interface SimulationOptions {
  /** the country (100000), a province, a prefecture-level unit or a county (default AREA, else 610100 西安) */
  region?: string;
  /** how far down the roster goes (default: by the area's size, mock/area.ts) */
  granularity?: Granularity;
  /** events seed (default 42) */
  seed?: number | string;
  /** roster seed (default 1): must match the roster the server was given */
  rosterSeed?: number | string;
}

export interface Simulation {
  roster: Org[];
  pop: Population;
}

export function simulation(opts: SimulationOptions = {}): Simulation {
  const region = opts.region ?? defaultRegion();
  const granularity = opts.granularity;
  const roster = buildRoster(
    region,
    seedOf(opts.rosterSeed ?? DEFAULT_ROSTER_SEED),
    granularity ? { granularity } : {},
  );
  const pop = buildPopulation(roster, seedOf(opts.seed ?? DEFAULT_SEED), outsideCounties(areaRegion(region)));
  return { roster, pop };
}

/** The activity scale that makes the average activity volume `perSecond` events/s. */
export function scaleForRate(pop: Population, perSecond: number): number {
  return (perSecond * (DAY_MS / 1000)) / activityPerDay(pop);
}
