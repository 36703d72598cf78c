import type * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { DumpBackupSpec } from './standalone-schema';
import type { S3SecretRef } from '../../constructs/object-store-credentials';

type S3Target = Extract<DumpBackupSpec['target'], { s3: unknown }>['s3'];

/** Name of the rclone remote defined by environment variables. */
const REMOTE = 'archive';

/** Where an rclone remote points: an endpoint URL (none: AWS S3) and a region. */
export interface RcloneEndpoint {
  /** @default - AWS S3 */
  readonly endpoint?: string;
  /** @default - the provider's default */
  readonly region?: string;
}

/**
 * An rclone S3 remote defined entirely by environment variables (no config file, keys from the
 * credentials Secret), and the remote path of one generation's folder.
 *
 * @see https://rclone.org/docs/#config-file (RCLONE_CONFIG_<REMOTE>_<OPTION>)
 */
export function rcloneRemote(s3: S3Target, creds: S3SecretRef, generation: string): { env: k8s.EnvVar[]; path: string } {
  return { env: rcloneEnv(s3, creds), path: rclonePath(s3.bucket, `${s3.prefix}${generation}`) };
}

/** `archive:<bucket>/<path>`: a path in the remote `rcloneEnv` defines. */
export const rclonePath = (bucket: string, path = '') => `${REMOTE}:${bucket}${path ? `/${path}` : ''}`;

/** The environment that defines the remote `archive` (see rcloneRemote). */
export function rcloneEnv(s3: RcloneEndpoint, creds: S3SecretRef): k8s.EnvVar[] {
  const v = (option: string) => `RCLONE_CONFIG_${REMOTE.toUpperCase()}_${option}`;
  return [
    // A config file that does not exist: rclone then reads only the environment.
    { name: 'RCLONE_CONFIG', value: '/tmp/rclone.conf' },
    { name: v('TYPE'), value: 's3' },
    { name: v('PROVIDER'), value: s3.endpoint ? 'Other' : 'AWS' },
    { name: v('ENV_AUTH'), value: 'false' },
    { name: v('ACCESS_KEY_ID'), valueFrom: { secretKeyRef: { name: creds.secretName, key: creds.accessKeyIdKey } } },
    { name: v('SECRET_ACCESS_KEY'), valueFrom: { secretKeyRef: { name: creds.secretName, key: creds.secretAccessKeyKey } } },
    ...(s3.endpoint ? [{ name: v('ENDPOINT'), value: s3.endpoint }] : []),
    ...(s3.region ? [{ name: v('REGION'), value: s3.region }] : []),
  ];
}
