/** `pgfleet plan` of Patroni changes: the runbook lines the engine's change rules contribute. */
import { buildPlan } from '../../lib/review/plan';
import { change } from '../review/review-scenarios';
import { hcap } from './patroni-stack';

const DUMP = '/backups/daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz';
const inPlace = (scaleDown?: { kind: string; name: string }[]) =>
  hcap({
    inPlaceRestore: { generation: 'hcap-patroni', id: 'r1', backupFile: DUMP, ...(scaleDown ? { scaleDown } : {}) },
    acknowledge: ['destroys-data:hcap-patroni'],
  });
const scaleUp = (scaleDown?: { kind: string; name: string }[]) =>
  buildPlan(change(hcap(), inPlace(scaleDown)).diff).manual.filter((s) => /back up/.test(s));

describe('Patroni plan: scaling the consumers back up after an in-place restore', () => {
  test('names the kind of workload the scale-down Job stopped: hcap-server is a DeploymentConfig', () => {
    expect(scaleUp([{ kind: 'DeploymentConfig', name: 'hcap-server' }])).toEqual([
      expect.stringContaining('`kubectl -n hcap-prod scale deploymentconfig/<name> --replicas=<n>`'),
    ]);
    expect(scaleUp([{ kind: 'DeploymentConfig', name: 'hcap-server' }])[0]).not.toMatch(/scale deployment\//);
  });

  test('a Deployment by default, a StatefulSet when listed, each kind when they are mixed', () => {
    expect(scaleUp()).toEqual([expect.stringContaining('`kubectl -n hcap-prod scale deployment/<name> --replicas=<n>`')]);
    expect(scaleUp([{ kind: 'StatefulSet', name: 'worker' }])).toEqual([
      expect.stringContaining('`kubectl -n hcap-prod scale statefulset/<name> --replicas=<n>`'),
    ]);
    const mixed = scaleUp([
      { kind: 'DeploymentConfig', name: 'hcap-server' },
      { kind: 'Deployment', name: 'reports' },
    ]);
    expect(mixed).toEqual([expect.stringContaining('`kubectl -n hcap-prod scale <kind>/<name> --replicas=<n>`')]);
    expect(mixed[0]).toContain('hcap-patroni-scale-down-r1');
  });

  test('nothing to scale back up when nothing was scaled down', () => {
    expect(scaleUp([])).toEqual([]);
  });
});
