/** The CAS CIIP portal's Spilo database, as in stacks/Pulumi.cas-ciip-prod.yaml, for engine tests. */
import { parse } from 'yaml';
import type { PatroniChartValues } from '../../lib/engines/spilo/spilo-chart-values';
import type { RenderedStack } from '../../lib/outputs/render-stack';

export const LIVE = 'ciip-portal-patroni';
export const BUCKET = 'wksv3k-prod-ciip-backups';
export const KEY_SECRET = 'gcp-wksv3k-prod-ciip-backups-service-account-key';
/** The env pgfleet sets on every release for an RPO of 5 minutes (backup.archiveTimeout; Spilo's own is 1800s). */
export const ARCHIVE_TIMEOUT_ENV = { SPILO_CONFIGURATION: '{"postgresql":{"parameters":{"archive_timeout":"300s"}}}' };

/** The CIIP portal database, as in stacks/Pulumi.cas-ciip-prod.yaml, with overrides. */
export function ciip(db: Record<string, unknown> = {}, backup: Record<string, unknown> = {}) {
  return {
    'pgfleet:namespace': 'wksv3k-prod',
    'pgfleet:databases': [
      {
        name: 'ciip-portal',
        engine: 'spilo',
        postgresVersion: 12,
        generations: [{ name: LIVE }],
        replicas: 3,
        image: { tag: '9a6cd902e167dfc53e9588fa661a7ea03fc4729d' },
        storage: { size: '10Gi', storageClass: 'netapp-block-standard' },
        backup: { bucket: BUCKET, serviceAccountKeySecret: KEY_SECRET, ...backup },
        database: 'ciip_portal',
        consumers: [{ app: 'cas-ciip-portal', secretName: 'cas-ciip-portal-database-url' }],
        ...db,
      },
    ],
  };
}

/** ciip() plus a generation restored from the live one; the live one keeps serving. */
export const restored = (restoreFrom: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ciip({
    generations: [{ name: LIVE }, { name: 'ciip-portal-r1', restoreFrom: { generation: LIVE, ...restoreFrom } }],
    serving: LIVE,
    ...extra,
  });

/** ciip() on 14 with the live generation on 12 and a blue/green upgrade of it; the live one keeps serving. */
export const upgraded = (extra: Record<string, unknown> = {}) =>
  ciip({
    postgresVersion: 14,
    generations: [
      { name: LIVE, postgresVersion: 12 },
      { name: 'ciip-portal-pg14', upgradeFrom: { generation: LIVE } },
    ],
    serving: LIVE,
    ...extra,
  });

/** The values pgfleet hands to the chart for a release, read back from the file synth writes. */
export function valuesOf(r: RenderedStack, release: string): PatroniChartValues {
  const text = r.files.get(`helmrelease-${release}.values.yaml`);
  if (!text) throw new Error(`no values file for ${release}; have ${[...r.files.keys()].join(', ')}`);
  const fromFile = parse(text) as PatroniChartValues;
  // The file and what the Pulumi program installs are the same values.
  expect(fromFile).toEqual(r.helmReleases.find((h) => h.props.name === release)!.props.values);
  return fromFile;
}

/** The CLONE_* env of a release that clones the live scope (without a target time). */
export const CLONE_FROM_LIVE = {
  CLONE_METHOD: 'CLONE_WITH_WALE',
  CLONE_SCOPE: LIVE,
  CLONE_WALG_GS_PREFIX: `gs://${BUCKET}/wal/${LIVE}`,
  CLONE_WALE_GS_PREFIX: `gs://${BUCKET}/wal/${LIVE}`,
  CLONE_GOOGLE_APPLICATION_CREDENTIALS: '/etc/credentials/credentials.json',
  CLONE_USE_WALG_BACKUP: 'true',
  CLONE_USE_WALG_RESTORE: 'true',
};
