import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { installMocks, recorder, registered, unwrap } from '../pulumi/mocks';
import { renderStack, type RenderedStack } from '../../lib/outputs/render-stack';
import { loadStack, ROOT, stackFrom } from '../helpers';

const RELEASE = 'kubernetes:helm.sh/v3:Release';

// GIVEN the Pulumi runtime mocked, WHEN the program deploys the CIIP prod stack with a PITR added,
// THEN each generation is one helm.v3.Release with exactly the values synth writes, and the live
// one's values are those of dist/cas-ciip-prod (unchanged by the restore).
describe('Spilo under the Pulumi program (runtime mocks)', () => {
  let prod: RenderedStack;
  let pitr: RenderedStack;

  beforeAll(async () => {
    await installMocks('cas-ciip-prod');
    const { deployStack } = await import('../../lib/pulumi/program');
    prod = renderStack(loadStack(path.join(ROOT, 'stacks/Pulumi.cas-ciip-prod.yaml')));
    // The same stack with a point-in-time recovery added beside the live scope.
    const raw = parse(fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.cas-ciip-prod.yaml'), 'utf8')).config;
    const db = raw['pgfleet:databases'][0];
    db.generations.push({
      name: 'ciip-portal-r1',
      restoreFrom: { generation: 'ciip-portal-patroni', targetTime: '2022-06-05 08:00:00-08:00' },
    });
    db.serving = 'ciip-portal-patroni';
    pitr = renderStack(stackFrom(raw, { stack: 'cas-ciip-pitr', previous: prod.state }));
    const deployed = deployStack(pitr, { transformations: [recorder] });
    await Promise.all([...deployed.resources.values()].map((r) => unwrap(r.urn)));
  });

  const releases = () => registered.filter((r) => r.type === RELEASE);

  test('installs the patroni chart release with exactly the synthesized values', () => {
    const [live] = releases();
    const file = parse(fs.readFileSync(path.join(ROOT, 'dist/cas-ciip-prod/helmrelease-ciip-portal-patroni.values.yaml'), 'utf8'));
    expect(file).toEqual(prod.helmReleases[0].props.values);
    expect(live.name).toBe('wksv3k-prod/ciip-portal-patroni');
    expect(live.inputs).toMatchObject({
      name: 'ciip-portal-patroni',
      namespace: 'wksv3k-prod',
      chart: 'patroni',
      version: '0.21.4',
      repositoryOpts: { repo: 'https://bcgov.github.io/cas-postgres/' },
    });
    expect(live.inputs.values).toEqual(file);
    expect(live.inputs.values.walE.gcsBucketBackupLocation).toBe('wal/ciip-portal-patroni');
  });

  test("each release is installed through pgfleet's post-renderer, by absolute path, and describes it", () => {
    for (const r of releases()) {
      expect(r.inputs.postrender).toBe(path.join(ROOT, 'bin', 'spilo-post-render.js'));
      expect(path.isAbsolute(r.inputs.postrender)).toBe(true);
      expect(r.inputs.description).toBe(
        "livenessProbe of container patroni is httpGet /patroni :8008 (200 while Patroni answers) instead of the chart's httpGet /health, " +
          'which fails while a clone, pg_upgrade or replica basebackup bootstraps',
      );
    }
    // The values file in dist/ names the same post-render, so a change to it is reviewed.
    const file = fs.readFileSync(path.join(ROOT, 'dist/cas-ciip-prod/helmrelease-ciip-portal-patroni.values.yaml'), 'utf8');
    expect(file.split('\n')[2]).toBe(`# Post-rendered by bin/spilo-post-render.js: ${releases()[0].inputs.description}.`);
  });

  test('the serving release is protected and retained on delete', () => {
    expect(releases()[0]).toMatchObject({ protect: true, retainOnDelete: true });
  });

  test('the PITR is a second release with the clone env', () => {
    const [, clone] = releases();
    expect(releases().map((r) => r.name)).toEqual(['wksv3k-prod/ciip-portal-patroni', 'wksv3k-prod/ciip-portal-r1']);
    expect(clone.inputs.values).toEqual(parse(pitr.files.get('helmrelease-ciip-portal-r1.values.yaml')!));
    expect(clone.inputs.values.env).toMatchObject({
      CLONE_METHOD: 'CLONE_WITH_WALE',
      CLONE_SCOPE: 'ciip-portal-patroni',
      CLONE_TARGET_TIME: '2022-06-05 08:00:00-08:00',
      CLONE_WALG_GS_PREFIX: 'gs://wksv3k-prod-ciip-backups/wal/ciip-portal-patroni',
      CLONE_WALE_GS_PREFIX: 'gs://wksv3k-prod-ciip-backups/wal/ciip-portal-patroni',
      PGVERSION: '12',
    });
    // Not serving yet: retained on delete, not protected (protection follows `serving`).
    expect(clone).toMatchObject({ protect: false, retainOnDelete: true });
  });

  test('the NetworkPolicy is registered as an object of its own', () => {
    expect(registered.filter((r) => r.type === 'kubernetes:networking.k8s.io/v1:NetworkPolicy').map((r) => r.name)).toContain(
      'wksv3k-prod/ciip-portal-patroni-ingress',
    );
  });
});
