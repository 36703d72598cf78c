/**
 * Inputs of the field-coverage test, by engine: base stacks that together set every field of its
 * schema (every branch of every union), the markers a field cannot derive from its base value,
 * the fields only pgfleet itself reads, and the fields known to be lost.
 */
import { type EngineCoverage, type Marker, SHARED_MARKERS } from './field-coverage-parts';
import { CNPG, CRUNCHY } from './field-coverage-operators';
import { PATRONI, SPILO, STANDALONE } from './field-coverage-others';

export type { Marker } from './field-coverage-parts';

const COVERAGE: Record<string, EngineCoverage> = { cnpg: CNPG, crunchy: CRUNCHY, spilo: SPILO, patroni: PATRONI, standalone: STANDALONE };
const each = <T>(f: (c: EngineCoverage) => T) => Object.fromEntries(Object.entries(COVERAGE).map(([e, c]) => [e, f(c)]));

export const BASES: Record<string, Record<string, Record<string, unknown>>> = each((c) => c.bases);
export const MARKERS: Record<string, Record<string, Marker>> = each((c) => ({ ...SHARED_MARKERS, ...c.markers }));
export const CONSUMED: Record<string, Record<string, string>> = each((c) => c.consumed ?? {});
export const LOST: Record<string, Record<string, string>> = each((c) => c.lost ?? {});
