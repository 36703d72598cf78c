/**
 * Standalone engine: major upgrade by dump → new server → verified import, the cutover, and
 * restore from a nightly dump, as consecutive synths of the same stack.
 */
import { DUMP_SCRIPT, FETCH_SCRIPT, IMPORT_SCRIPT } from '../../lib/engines/standalone/dump-scripts';
import { diffRendered } from '../../lib/review/stack-diff';
import { buildPlan } from '../../lib/review/plan';
import { formatPlan } from '../../lib/review/format-plan';
import { all, changedFiles, dependsOn, filesOf, find, render, runsAfter, stepLines } from '../helpers';
import { gateSummary, summary } from '../review/review-scenarios';
import { dumpToPvc, dumpToS3, issuesOf, LIVE, NEXT, pydis, restoring, upgrading } from './standalone-stack';

/** Files of one generation's server (and its nightly dumps), which an upgrade must not touch. */
const serverFiles = (gen: string) => [
  `statefulset-${gen}.yaml`,
  `persistentvolumeclaim-${gen}-data.yaml`,
  `configmap-${gen}-config.yaml`,
  `service-${gen}-headless.yaml`,
  `cronjob-${gen}-backup.yaml`,
  `persistentvolumeclaim-${gen}-backups.yaml`,
];

const env = (container: any) => Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('standalone engine: major upgrade 16 → 17', () => {
  const base = render(pydis('prod', { backup: dumpToPvc }), { stack: 'pydis-prod' });
  const upgrade = render(upgrading(), { stack: 'pydis-prod', previous: base.state });
  const cutover = render(upgrading({ serving: NEXT }), { stack: 'pydis-prod', previous: upgrade.state });
  const settled = render(upgrading({ serving: NEXT, generations: [{ name: LIVE }, { name: NEXT, postgresVersion: 17 }] }), {
    stack: 'pydis-prod',
    previous: cutover.state,
  });
  const retired = render(
    upgrading({ serving: NEXT, generations: [{ name: LIVE }, { name: NEXT, postgresVersion: 17 }], retired: [LIVE] }),
    { stack: 'pydis-prod', previous: settled.state },
  );

  test('snapshot of the upgrade scenario stack (pydis-staging)', () => {
    expect(filesOf(render(pydis('staging'), { stack: 'pydis-staging' }))).toMatchSnapshot();
  });

  test('adds the new server and the Jobs that fill it; nothing of the old server changes', () => {
    expect(changedFiles(base, upgrade)).toEqual([
      'configmap-postgres-17-config.yaml',
      'cronjob-postgres-17-backup.yaml',
      'job-postgres-17-dump.yaml',
      'job-postgres-17-import.yaml',
      'job-postgres-17-writers-down.yaml',
      'kustomization.yaml',
      'persistentvolumeclaim-postgres-17-backups.yaml',
      'persistentvolumeclaim-postgres-17-data.yaml',
      'persistentvolumeclaim-postgres-17-dump.yaml',
      'pgfleet-state.json',
      'role-postgres-17-scaler-bots.yaml',
      'role-postgres-17-scaler-tooling.yaml',
      'role-postgres-17-scaler-web.yaml',
      'rolebinding-postgres-17-scaler-bots.yaml',
      'rolebinding-postgres-17-scaler-tooling.yaml',
      'rolebinding-postgres-17-scaler-web.yaml',
      'service-postgres-17-headless.yaml',
      'serviceaccount-postgres-17-scaler.yaml',
      'statefulset-postgres-17.yaml',
    ]);
    // Nothing lost: the live server's files, its Service and the backups PVC are byte-identical.
    for (const f of [
      ...serverFiles(LIVE),
      'service-postgres.yaml',
      'persistentvolumeclaim-postgres-backups.yaml',
      'networkpolicy-postgres-server.yaml',
    ]) {
      expect(filesOf(upgrade)[f]).toBe(filesOf(base)[f]);
    }
    expect(find(upgrade, 'Service', 'postgres').spec.selector['pgfleet.io/generation']).toBe(LIVE);
  });

  test('runs in order: writers down → dump → new server → import', () => {
    const down = 'job-postgres-17-writers-down.yaml';
    const dump = 'job-postgres-17-dump.yaml';
    const server = 'statefulset-postgres-17.yaml';
    const imp = 'job-postgres-17-import.yaml';
    expect(dependsOn(upgrade, dump)).toEqual([down, 'persistentvolumeclaim-postgres-17-dump.yaml']);
    expect(dependsOn(upgrade, server)).toEqual([dump, 'persistentvolumeclaim-postgres-17-data.yaml']);
    expect(dependsOn(upgrade, imp)).toEqual([dump, server]);
    expect(runsAfter(upgrade, imp, down)).toBe(true);
    expect(runsAfter(upgrade, down, dump)).toBe(false);
    // The scale Job has its RBAC before it.
    expect(dependsOn(upgrade, down)).toEqual(
      expect.arrayContaining(['serviceaccount-postgres-17-scaler.yaml', 'rolebinding-postgres-17-scaler-web.yaml']),
    );
  });

  test('writers down: scale every listed Deployment to zero, wait for the rollout, then for their last pod', () => {
    const job = find(upgrade, 'Job', 'postgres-17-writers-down');
    const pod = job.spec.template.spec;
    const steps = [...pod.initContainers, ...pod.containers].map((c: any) => c.args.join(' '));
    expect(steps).toEqual([
      'scale deployment/site --namespace=web --replicas=0',
      'scale deployment/metricity --namespace=bots --replicas=0',
      'scale deployment/metabase --namespace=tooling --replicas=0',
      'scale deployment/bitwarden --namespace=tooling --replicas=0',
      'rollout status deployment/site --namespace=web --timeout=10m',
      'rollout status deployment/metricity --namespace=bots --timeout=10m',
      'rollout status deployment/metabase --namespace=tooling --timeout=10m',
      'rollout status deployment/bitwarden --namespace=tooling --timeout=10m',
      // Only waits: a pod of something else with the same labels is never deleted.
      'wait --for=delete pod --namespace=web --selector=app=site --timeout=10m',
      'wait --for=delete pod --namespace=bots --selector=app=metricity --timeout=10m',
      'wait --for=delete pod --namespace=tooling --selector=app=metabase --timeout=10m',
      'wait --for=delete pod --namespace=tooling --selector=app=bitwarden --timeout=10m',
    ]);
    expect(steps.some((s: string) => s.startsWith('delete'))).toBe(false);
    expect(pod.serviceAccountName).toBe('postgres-17-scaler');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(job.metadata.annotations['pgfleet.io/manual-steps']).toContain('maintenance');
    const role = find(upgrade, 'Role', 'postgres-17-scaler-tooling');
    expect(role.metadata.namespace).toBe('tooling');
    expect(role.rules[0]).toEqual({
      apiGroups: ['apps'],
      resources: ['deployments'],
      resourceNames: ['bitwarden', 'metabase'],
      verbs: ['get', 'list', 'watch'],
    });
    expect(role.rules[1]).toEqual({
      apiGroups: ['apps'],
      resources: ['deployments/scale'],
      resourceNames: ['bitwarden', 'metabase'],
      verbs: ['get', 'patch', 'update'],
    });
    // Reading pods is all the wait needs: the scale Jobs can delete no pod.
    expect(role.rules[2]).toEqual({ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] });
    expect(role.rules).toHaveLength(3);
    expect(find(upgrade, 'RoleBinding', 'postgres-17-scaler-tooling').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'postgres-17-scaler', namespace: 'databases' },
    ]);
  });

  test("the dump: pg_dumpall | gzip + sha512 of the old server, with the new major's client, onto its own PVC", () => {
    const job = find(upgrade, 'Job', 'postgres-17-dump');
    const c = job.spec.template.spec.containers[0];
    expect(c.image).toBe('ghcr.io/owl-corp/psql_extended:17');
    expect([c.command, c.args]).toEqual([['bash', '-c'], [DUMP_SCRIPT]]);
    expect(env(c)).toMatchObject({ PGHOST: 'postgres-headless', DUMP_DIR: '/dump', DUMP_FILE: 'postgres.sql.gz' });
    expect(env(c).RETENTION_DAYS).toBeUndefined();
    expect(job.spec.template.spec.volumes.find((v: any) => v.name === 'dump')).toEqual({
      name: 'dump',
      persistentVolumeClaim: { claimName: 'postgres-17-dump' },
    });
    expect(find(upgrade, 'PersistentVolumeClaim', 'postgres-17-dump').spec.resources.requests.storage).toBe('25Gi');
    expect(DUMP_SCRIPT).toMatch(/pg_dumpall --no-password \| gzip -c > "\$file.partial"/);
  });

  test('the import verifies the checksum before anything reaches the new server, and never retries', () => {
    const job = find(upgrade, 'Job', 'postgres-17-import');
    expect(job.spec.backoffLimit).toBe(0);
    const c = job.spec.template.spec.containers[0];
    expect(c.image).toBe('ghcr.io/owl-corp/psql_extended:17');
    expect(c.args).toEqual([IMPORT_SCRIPT]);
    expect(env(c)).toMatchObject({ PGHOST: 'postgres-17-headless', DUMP_DIR: '/dump', DUMP_FILE: 'postgres.sql.gz' });
    const at = (s: string) => IMPORT_SCRIPT.indexOf(s);
    expect(at('sha512sum < "$file"')).toBeGreaterThan(0);
    expect(at('sha512sum < "$file"')).toBeLessThan(at('pg_isready'));
    expect(at('REFUSING TO IMPORT $file')).toBeLessThan(at('| psql'));
    expect(IMPORT_SCRIPT).toContain('ON_ERROR_STOP=1');
    expect(IMPORT_SCRIPT).toContain('set -euo pipefail');
  });

  test('the state records the upgrade, the writers it scaled and the size of its dump volume', () => {
    expect(upgrade.state.databases.postgres.generations[NEXT]).toEqual({
      postgresVersion: 17,
      volumes: { data: '25Gi', backups: '20Gi' },
      bootstrap: { kind: 'upgrade', source: 'postgres' },
      archives: [{ kind: 'pvc', url: 'pvc://databases/postgres-17-backups/postgres-17/' }],
      engineFacts: {
        writers: [
          { namespace: 'web', name: 'site', replicas: 2 },
          { namespace: 'bots', name: 'metricity', replicas: 1 },
          { namespace: 'tooling', name: 'metabase', replicas: 1 },
          { namespace: 'tooling', name: 'bitwarden', replicas: 1 },
        ],
        dumpSize: '25Gi',
      },
      recovery: { method: 'dump', rpoSeconds: 86_400, windowSeconds: 7 * 86_400 },
    });
  });

  test('cutover: the Service moves to the new server, then the writers go back to their replicas', () => {
    expect(changedFiles(upgrade, cutover)).toEqual([
      'job-postgres-17-writers-up.yaml',
      'kustomization.yaml',
      'pgfleet-state.json',
      'service-postgres.yaml',
    ]);
    const svc = find(cutover, 'Service', 'postgres');
    expect(svc.spec.selector).toEqual({ 'pgfleet.io/database': 'postgres', 'pgfleet.io/generation': NEXT, 'pgfleet.io/role': 'server' });
    const up = find(cutover, 'Job', 'postgres-17-writers-up').spec.template.spec;
    expect([...up.initContainers, ...up.containers].map((c: any) => c.args.join(' '))).toEqual([
      'scale deployment/site --namespace=web --replicas=2',
      'scale deployment/metricity --namespace=bots --replicas=1',
      'scale deployment/metabase --namespace=tooling --replicas=1',
      'scale deployment/bitwarden --namespace=tooling --replicas=1',
      'rollout status deployment/site --namespace=web --timeout=10m',
      'rollout status deployment/metricity --namespace=bots --timeout=10m',
      'rollout status deployment/metabase --namespace=tooling --timeout=10m',
      'rollout status deployment/bitwarden --namespace=tooling --timeout=10m',
    ]);
    expect(dependsOn(cutover, 'job-postgres-17-writers-up.yaml')).toContain('service-postgres.yaml');
    expect(dependsOn(cutover, 'service-postgres.yaml')).toEqual(['job-postgres-17-import.yaml']);
  });

  test('the old server stays, untouched, until the stack retires it', () => {
    for (const f of serverFiles(LIVE)) {
      expect(filesOf(cutover)[f]).toBe(filesOf(base)[f]);
      expect(filesOf(settled)[f]).toBe(filesOf(base)[f]);
      expect(filesOf(retired)[f]).toBeUndefined();
    }
  });

  test('upgrade and cutover in one change is refused: applied as one manifest set, the Service would move before the import', () => {
    expect(issuesOf(() => render(upgrading({ serving: NEXT }), { previous: base.state }))).toEqual([
      expect.objectContaining({
        path: 'pgfleet:databases[0].serving',
        value: NEXT,
        fix: `keep serving: postgres for this change; once \`pulumi up\` created ${NEXT} and you checked its data, set serving: ${NEXT} in a later change`,
      }),
    ]);
  });

  test("the cutover plan prints the stack's own steps once, and calls the selector switch a reconnect, not an outage", () => {
    const text = formatPlan(buildPlan(diffRendered(upgrade.files, cutover)), 'text');
    expect(text).toContain("(the stack's upgrade.manualSteps.afterCutover)");
    expect(text).not.toMatch(/its applications|seed step|pgfleet\.io\/manual-steps|will be offline|maintenance page of/);
    // The outage started with the upgrade: that plan keeps the maintenance page up until this change.
    expect(formatPlan(buildPlan(diffRendered(base.files, upgrade)), 'text')).toContain(
      'stays offline until the follow-up change below is applied',
    );
  });

  test('removing upgradeFrom afterwards leaves the new server byte-identical (invariant 8)', () => {
    for (const f of serverFiles(NEXT)) expect(filesOf(settled)[f]).toBe(filesOf(cutover)[f]);
    expect(all(settled, 'Job')).toEqual([]);
    expect(filesOf(settled)['persistentvolumeclaim-postgres-17-dump.yaml']).toBeUndefined();
    expect(settled.objects.filter((o) => o.manifest.kind === 'Role')).toEqual([]);
  });

  test('writers: [] upgrades without scaling anything', () => {
    const r = render(upgrading({ writers: [] }));
    expect(
      all(r, 'Job')
        .map((j) => j.metadata.name)
        .sort(),
    ).toEqual(['postgres-17-dump', 'postgres-17-import']);
    expect(dependsOn(r, 'job-postgres-17-dump.yaml')).toEqual(['persistentvolumeclaim-postgres-17-dump.yaml']);
    expect(all(r, 'ServiceAccount')).toEqual([]);
  });

  test('pgfleet diff: each step of the upgrade gets its class, and the gate passes without acknowledgements', () => {
    const d1 = diffRendered(base.files, upgrade);
    expect(summary(d1)).toEqual(
      expect.arrayContaining([
        '+ StatefulSet/postgres-17 new-cluster',
        '+ PersistentVolumeClaim/postgres-17-data new-cluster',
        '+ Job/postgres-17-writers-down downtime',
        '+ Job/postgres-17-dump safe',
        '+ Job/postgres-17-import safe',
      ]),
    );
    expect(
      summary(d1)
        .filter((l) => / (downtime|new-cluster|destroys-data|irreversible)/.test(l))
        .sort(),
    ).toEqual([
      '+ Job/postgres-17-writers-down downtime',
      '+ PersistentVolumeClaim/postgres-17-data new-cluster',
      '+ StatefulSet/postgres-17 new-cluster',
    ]);
    const down = stepLines(d1.objects.find((o) => o.file === 'job-postgres-17-writers-down.yaml')!.changes[0]);
    // The stack's own steps outside Kubernetes, printed as they are written.
    expect(down).toContain(
      "before: Enable maintenance mode: add a worker route for pythondiscord.com/* to the maintenance Cloudflare worker. (the stack's upgrade.manualSteps.beforeDump)",
    );

    const d2 = diffRendered(upgrade.files, cutover);
    expect(summary(d2).sort()).toEqual([
      '+ Job/postgres-17-writers-up safe',
      '~ Service/postgres metadata.annotations.pgfleet.io/serving safe',
      '~ Service/postgres spec.selector.pgfleet.io/generation restart',
    ]);
    const cutSteps = d2.objects.find((o) => o.file === 'service-postgres.yaml')!.changes.flatMap((c) => c.steps);
    // The engine's follow-up is removing upgradeFrom; retiring postgres is the plan's own later step, after a grace period.
    expect(cutSteps.filter((s) => s.section === 'follow-up').map((s) => s.text)).toEqual([
      "once the applications run well on postgres-17, remove upgradeFrom/restoreFrom from postgres-17: the finished Jobs and what only they used (scale RBAC, transfer PVC) leave, the server's files stay byte-identical; postgres keeps running to switch back to",
    ]);
    expect(cutSteps.map((s) => s.text).join('\n')).not.toMatch(/retire|retired/);

    // Removing upgradeFrom: the finished Jobs, their RBAC and the transfer copy go; the server stays.
    const d3 = diffRendered(cutover.files, settled);
    expect(d3.objects.every((o) => o.op === 'removed' && o.class === 'safe')).toBe(true);
    expect(summary(d3)).toContain('- PersistentVolumeClaim/postgres-17-dump safe');
    expect(d3.gate.ok).toBe(true);

    // Retiring the old server: its volume is the one change that destroys data, acknowledged by name.
    const d4 = diffRendered(settled.files, retired);
    expect(summary(d4).sort()).toEqual([
      '- ConfigMap/postgres-config safe',
      '- CronJob/postgres-backup safe',
      '- PersistentVolumeClaim/postgres-backups destroys-data',
      '- PersistentVolumeClaim/postgres-data destroys-data',
      '- Service/postgres-headless safe',
      // Released, not stopped (retainOnDelete), and it serves no one: no downtime, no maintenance page.
      '- StatefulSet/postgres safe',
    ]);
    expect(gateSummary(d4)).toBe('passes: destroys-data:postgres by retired');
    // The plan agrees with the diff: the StatefulSet's deletion stops the server, the claim's deletes the data.
    const manual = buildPlan(d4).manual.join('\n');
    expect(manual).toMatch(/delete StatefulSet databases\/postgres by hand .*stops postgres's server, and its claims stay/);
    expect(manual).toMatch(/delete PersistentVolumeClaim databases\/postgres-data by hand .*deletes postgres's data/);
    expect(manual).not.toMatch(/StatefulSet databases\/postgres [^\n]*deletes postgres's data/);
  });

  test('pgfleet diff: a parameter change restarts the single server, a bigger volume grows online', () => {
    const next = render(
      upgrading({
        serving: NEXT,
        generations: [{ name: LIVE }, { name: NEXT, postgresVersion: 17 }],
        parameters: { max_connections: 200 },
        storage: { size: '30Gi', storageClass: 'linode-block-storage-retain' },
      }),
      { stack: 'pydis-prod', previous: settled.state },
    );
    expect(
      summary(diffRendered(settled.files, next))
        .filter((l) => l.includes('postgres-17'))
        .sort(),
    ).toEqual([
      '~ ConfigMap/postgres-17-config data safe',
      '~ PersistentVolumeClaim/postgres-17-data spec.resources.requests.storage safe',
      '~ StatefulSet/postgres-17 spec.template.metadata.annotations.pgfleet.io/config-digest downtime',
    ]);
  });
});

describe('standalone engine: restore from a nightly dump', () => {
  const base = render(pydis('prod', { backup: dumpToPvc }));

  test("a named dump from the PVC: a new server and a Job reading the source's folder read-only", () => {
    const r = render(restoring({ backupFile: 'postgres-20261120T150000Z.sql.gz' }), { previous: base.state });
    const job = find(r, 'Job', 'postgres-restored-restore');
    const c = job.spec.template.spec.containers[0];
    expect(c.args).toEqual([IMPORT_SCRIPT]);
    expect(env(c)).toMatchObject({
      PGHOST: 'postgres-restored-headless',
      DUMP_DIR: '/backups/postgres',
      DUMP_FILE: 'postgres-20261120T150000Z.sql.gz',
    });
    expect(c.volumeMounts.find((m: any) => m.name === 'backups')).toEqual({ name: 'backups', mountPath: '/backups', readOnly: true });
    expect(job.spec.template.spec.volumes.find((v: any) => v.name === 'backups')).toEqual({
      name: 'backups',
      persistentVolumeClaim: { claimName: 'postgres-backups', readOnly: true },
    });
    expect(dependsOn(r, 'job-postgres-restored-restore.yaml')).toEqual(['statefulset-postgres-restored.yaml']);
    // Restores never share an archive: the restored server dumps into its own folder.
    const gens = r.state.databases.postgres.generations;
    expect(gens['postgres-restored'].archives).toEqual([
      { kind: 'pvc', url: 'pvc://databases/postgres-restored-backups/postgres-restored/' },
    ]);
    expect(gens['postgres-restored'].archives).not.toEqual(gens.postgres.archives);
    expect(gens['postgres-restored'].bootstrap).toEqual({
      kind: 'restore',
      source: 'postgres',
      target: { kind: 'backupFile', file: 'postgres-20261120T150000Z.sql.gz' },
    });
    // The live generation and its Service are untouched, and nothing is scaled.
    for (const f of [...serverFiles(LIVE), 'service-postgres.yaml']) expect(filesOf(r)[f]).toBe(filesOf(base)[f]);
    expect(all(r, 'Job').map((j) => j.metadata.name)).toEqual(['postgres-restored-restore']);
  });

  test('no target: the newest dump with a checksum (DUMP_FILE unset, and the annotation says so)', () => {
    const job = find(render(restoring()), 'Job', 'postgres-restored-restore');
    expect(env(job.spec.template.spec.containers[0])).not.toHaveProperty('DUMP_FILE');
    expect(job.metadata.annotations['pgfleet.io/dump']).toBe('/backups/postgres/(newest *.sql.gz with a .sha512)');
  });

  test("a restore reads its source's own backups PVC read-only; every generation dumps to a claim of its own", () => {
    const gens = [{ name: LIVE }, { name: 'postgres-b' }, { name: 'postgres-r', restoreFrom: { generation: 'postgres-b' } }];
    const r = render(pydis('prod', { backup: dumpToPvc, generations: gens, serving: LIVE }));
    const job = find(r, 'Job', 'postgres-r-restore').spec.template.spec;
    expect(job.volumes.find((v: any) => v.name === 'backups')).toEqual({
      name: 'backups',
      persistentVolumeClaim: { claimName: 'postgres-b-backups', readOnly: true },
    });
    expect(env(job.containers[0]).DUMP_DIR).toBe('/backups/postgres-b');
    const claims = all(r, 'CronJob').map((c) => [
      c.metadata.name,
      c.spec.jobTemplate.spec.template.spec.volumes.find((v: any) => v.name === 'backups').persistentVolumeClaim.claimName,
    ]);
    expect(claims).toEqual([
      ['postgres-backup', 'postgres-backups'],
      ['postgres-b-backup', 'postgres-b-backups'],
      ['postgres-r-backup', 'postgres-r-backups'],
    ]);
    expect(r.objects.filter((o) => o.file.endsWith('-backups.yaml')).map((o) => `${o.manifest.metadata.name}:${o.dataBearing}`)).toEqual([
      'postgres-backups:postgres',
      'postgres-b-backups:postgres-b',
      'postgres-r-backups:postgres-r',
    ]);
  });

  test('backups claims may be ReadWriteMany (a restore beside a running nightly dump on another node), and never shrink', () => {
    const rwx = render(pydis('prod', { backup: { ...dumpToPvc, target: { pvc: { size: '20Gi', accessMode: 'ReadWriteMany' } } } }));
    expect(find(rwx, 'PersistentVolumeClaim', 'postgres-backups').spec.accessModes).toEqual(['ReadWriteMany']);
    const base20 = render(pydis('prod', { backup: dumpToPvc }));
    const issues = issuesOf(() =>
      render(pydis('prod', { backup: { ...dumpToPvc, target: { pvc: { size: '10Gi' } } } }), { previous: base20.state }),
    );
    expect(issues.map((i) => i.path)).toEqual(['pgfleet:databases[0].backup.target.pvc.size']);
    expect(issues[0].allowed).toBe("20Gi or more: Kubernetes volumes can grow but never shrink (postgres's backups volume)");
  });

  test('from a bucket: rclone downloads the dump and its checksum onto a PVC first', () => {
    const r = render(restoring({}, { backup: dumpToS3 }));
    const pod = find(r, 'Job', 'postgres-restored-restore').spec.template.spec;
    const fetch = pod.initContainers[0];
    expect([fetch.name, fetch.image, fetch.args]).toEqual(['fetch', 'docker.io/rclone/rclone:1.68.2', [FETCH_SCRIPT]]);
    expect(env(fetch)).toMatchObject({ SRC: 'archive:pydis-backups/postgres/postgres', DUMP_DIR: '/dump' });
    expect(env(fetch)).not.toHaveProperty('DUMP_FILE');
    expect(env(pod.containers[0])).toMatchObject({ DUMP_DIR: '/dump' });
    expect(find(r, 'PersistentVolumeClaim', 'postgres-restored-dump').spec.accessModes).toEqual(['ReadWriteOnce']);
  });

  test('cutover to the restored server moves the Service after the restore, and scales nothing', () => {
    const r = render(restoring({}, { serving: 'postgres-restored' }));
    expect(find(r, 'Service', 'postgres').spec.selector['pgfleet.io/generation']).toBe('postgres-restored');
    expect(dependsOn(r, 'service-postgres.yaml')).toEqual(['job-postgres-restored-restore.yaml']);
    expect(all(r, 'Job').map((j) => j.metadata.name)).toEqual(['postgres-restored-restore']);
  });
});
