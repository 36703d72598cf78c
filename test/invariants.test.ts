/**
 * Design invariants checked over generated stacks (fast-check): restores never share an archive,
 * output is deterministic with explicit names, and a restore never changes the live generation.
 */
import fc from 'fast-check';
import { filesOf, render, expectDeterministicAndNamed } from './helpers';

/** A CNPG database whose generations form a random restore chain from the first one. */
const chain = fc.record({
  count: fc.integer({ min: 1, max: 4 }),
  sources: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
  major: fc.integer({ min: 13, max: 18 }),
  hours: fc.array(fc.integer({ min: 0, max: 23 }), { minLength: 3, maxLength: 3 }),
  method: fc.constantFrom('plugin', 'barmanObjectStore'),
});

function stack(c: { count: number; sources: number[]; major: number; hours: number[]; method: string }) {
  const generations: Record<string, unknown>[] = [{ name: 'app-db' }];
  for (let i = 1; i < c.count; i++) {
    generations.push({
      name: `app-db-r${i}`,
      restoreFrom: {
        generation: (generations[c.sources[i - 1] % i] as { name: string }).name,
        targetTime: `2026-11-20T${String(c.hours[i - 1]).padStart(2, '0')}:15:00-08:00`,
      },
    });
  }
  return {
    'pgfleet:namespace': 'apps',
    'pgfleet:databases': [
      {
        name: 'app',
        engine: 'cnpg',
        postgresVersion: c.major,
        generations,
        serving: 'app-db',
        storage: { size: '10Gi' },
        backup: { method: c.method, destinationPath: 's3://backups/site/app/postgres/', credentials: { existingSecret: { name: 'aws' } } },
        consumers: [{ app: 'web', secretName: 'web-db' }],
      },
    ],
  };
}

describe('invariants', () => {
  test("restores never share an archive; each reads its source's", () => {
    fc.assert(
      fc.property(chain, (c) => {
        const r = render(stack(c));
        const gens = r.state.databases.app.generations;
        const archives = Object.values(gens).map((g) => g.archives[0].url);
        expect(new Set(archives).size).toBe(archives.length);
        for (const o of r.objects.filter((x) => x.manifest.kind === 'Cluster' && x.manifest.spec.bootstrap.recovery)) {
          const spec = o.manifest.spec;
          const read = spec.externalClusters[0].plugin?.parameters.serverName ?? spec.externalClusters[0].barmanObjectStore.serverName;
          const write = spec.plugins?.[0].parameters.serverName ?? spec.backup.barmanObjectStore.serverName;
          expect(read).toBe(`${spec.bootstrap.recovery.source}-pg${c.major}`);
          expect(write).not.toBe(read);
        }
      }),
      { numRuns: 25 },
    );
  });

  test('output is deterministic and every object is named explicitly', () => {
    fc.assert(
      fc.property(chain, (c) => expectDeterministicAndNamed(() => stack(c))),
      { numRuns: 15 },
    );
  });

  test("adding a restore leaves every existing generation's cluster byte-identical", () => {
    fc.assert(
      fc.property(chain, (c) => {
        const before = filesOf(render(stack(c)));
        const after = filesOf(render(stack({ ...c, count: Math.min(c.count + 1, 4) })));
        for (const f of Object.keys(before).filter((x) => x.startsWith('cluster-') || x.startsWith('scheduledbackup-')))
          expect(after[f]).toBe(before[f]);
      }),
      { numRuns: 15 },
    );
  });
});
