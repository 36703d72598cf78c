/**
 * The engine registry: every engine pgfleet renders, in the order the docs list them. Entry points
 * (CLI, Pulumi program, bench) pass it to the config boundary; nothing below them imports it.
 */
import { cnpg } from './cnpg';
import { crunchy } from './crunchy';
import type { Engine } from './engine';
import { patroni } from './patroni';
import { spilo } from './spilo';
import { standalone } from './standalone';

export const ENGINES: readonly Engine<any, any, any>[] = Object.freeze([cnpg, crunchy, spilo, patroni, standalone]);
