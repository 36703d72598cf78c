/** The CAS CIIP portal's Spilo database, as in stacks/Pulumi.cas-ciip-prod.yaml, for engine tests. */
export const LIVE = 'ciip-portal-patroni';
export const BUCKET = 'wksv3k-prod-ciip-backups';
export const KEY_SECRET = 'gcp-wksv3k-prod-ciip-backups-service-account-key';

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
