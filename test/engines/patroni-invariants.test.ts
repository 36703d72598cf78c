/**
 * Design invariants over random restore chains of a Patroni database (fast-check): every
 * generation dumps to its own volume and a restore only reads its source's; adding a generation
 * leaves every existing generation's objects byte-identical; output is deterministic.
 */
import fc from 'fast-check';
import { filesOf, render, expectDeterministicAndNamed } from '../helpers';
import { envOf, generationFiles, hcap } from './patroni-stack';

const chain = fc.record({
  count: fc.integer({ min: 1, max: 4 }),
  sources: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
  targets: fc.array(fc.constantFrom('time', 'file', 'latest'), { minLength: 3, maxLength: 3 }),
  hours: fc.array(fc.integer({ min: 0, max: 23 }), { minLength: 3, maxLength: 3 }),
});

type Chain = { count: number; sources: number[]; targets: string[]; hours: number[] };

function stack(c: Chain) {
  const generations: { name: string; restoreFrom?: Record<string, string> }[] = [{ name: 'hcap-patroni' }];
  for (let i = 1; i < c.count; i++) {
    const source = generations[c.sources[i - 1] % i].name;
    const target = c.targets[i - 1];
    const hour = String(c.hours[i - 1]).padStart(2, '0');
    generations.push({
      name: `hcap-patroni-r${i}`,
      restoreFrom: {
        generation: source,
        ...(target === 'time' ? { targetTime: `2026-11-20T${hour}:15:00-08:00` } : {}),
        ...(target === 'file' ? { backupFile: `/backups/daily/2026-11-20/${source}-hcap_2026-11-20_${hour}-00-00.sql.gz` } : {}),
      },
    });
  }
  return hcap({ generations, serving: 'hcap-patroni' });
}

describe('Patroni invariants', () => {
  test("each generation dumps to its own volume; a restore reads only its source's and loads only its own cluster", () => {
    fc.assert(
      fc.property(chain, (c) => {
        const r = render(stack(c));
        const gens = r.state.databases.hcap.generations;
        const archives = Object.values(gens).map((g) => g.archives[0].url);
        expect(new Set(archives).size).toBe(archives.length);
        for (const o of r.objects.filter((x) => x.manifest.kind === 'CronJob')) {
          const gen = o.manifest.metadata.labels['pgfleet.io/generation'];
          expect(
            o.manifest.spec.jobTemplate.spec.template.spec.volumes.find((v: any) => v.name === 'backup').persistentVolumeClaim.claimName,
          ).toBe(`${gen}-backup`);
        }
        for (const o of r.objects.filter((x) => x.manifest.kind === 'Job')) {
          const gen = o.manifest.metadata.labels['pgfleet.io/generation'];
          const b = gens[gen].bootstrap;
          const source = b.kind === 'restore' ? b.source : undefined;
          expect(o.manifest.spec.template.spec.volumes.find((v: any) => v.name === 'backup').persistentVolumeClaim.claimName).toBe(
            `${source}-backup`,
          );
          expect(envOf(o.manifest)).toMatchObject({ TARGET_HOST: gen, DUMP_PREFIX: `${source}-hcap` });
          expect(o.dependsOn).toContain(`statefulset-${gen}.yaml`);
        }
      }),
      { numRuns: 20 },
    );
  });

  test('adding a restored generation leaves every existing generation byte-identical', () => {
    fc.assert(
      fc.property(chain, (c) => {
        const smaller = { ...c, count: Math.max(1, c.count - 1) };
        const before = render(stack(smaller));
        const after = filesOf(render(stack(c)));
        const b = filesOf(before);
        for (const gen of Object.keys(before.state.databases.hcap.generations)) {
          for (const f of generationFiles(before, gen)) expect(after[f]).toBe(b[f]);
        }
      }),
      { numRuns: 15 },
    );
  });

  test('output is deterministic and every object is named explicitly', () => {
    fc.assert(
      fc.property(chain, (c) => expectDeterministicAndNamed(() => stack(c))),
      { numRuns: 10 },
    );
  });
});
