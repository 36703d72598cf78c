import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { CrunchyRepoSpec } from './crunchy-schema';
import type { StackSpec } from '../../config/stack-spec';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetTemplateEngineVersion,
  ExternalSecretSpecTargetTemplateMergePolicy,
} from '../../../imports/eso-externalsecret-external-secrets.io';
import { SecretStore, SecretStoreSpecProviderKubernetesServerCaProviderType } from '../../../imports/eso-secretstore-external-secrets.io';
import { objectStoreCredentials } from '../../constructs/object-store-credentials';

export interface RepoCredentialsProps {
  /** Database name: prefixes every object. */
  readonly database: string;
  readonly namespace: string;
  /** The database's repositories; volume repositories need no credentials and are skipped. */
  readonly repos: readonly CrunchyRepoSpec[];
  /** Stack-wide Vault defaults. @default - none: each Vault credential names its server (checked in config) */
  readonly vault?: StackSpec['vault'];
  /** How soon rotated keys reach pgBackRest. @default 1m */
  readonly refreshInterval?: string;
}

/** The conf.d file holding the repository keys. */
export const REPO_CREDENTIALS_FILE = 'pgfleet-repos.conf';

/**
 * Cloud repository credentials in the shape pgBackRest reads: an INI file
 * (`/etc/pgbackrest/conf.d/pgfleet-repos.conf` with `repoN-s3-key`, `repoN-s3-key-secret`,
 * `repoN-azure-account`, `repoN-azure-key`, `repoN-gcs-key`) and GCS key files, in one Secret the
 * PostgresCluster projects through `backups.pgbackrest.configuration`.
 *
 * The keys come from the shared credential mechanism (`objectStoreCredentials`: Vault through
 * External Secrets, or a Secret that exists). A second ExternalSecret, over a Kubernetes-provider
 * SecretStore that may read only those Secrets, templates them into the INI file, so no key ever
 * passes through pgfleet or the repository. PGO copies the projected Secret for a restore into a
 * new generation, so the restore Job reads the source's repository with the same keys.
 *
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/tutorials/backups-disaster-recovery/backups
 */
export class RepoCredentials extends Construct {
  /** Secret projected into `/etc/pgbackrest/conf.d`. */
  public readonly secretName: string;

  constructor(scope: Construct, id: string, props: RepoCredentialsProps) {
    super(scope, id);
    const { database, namespace } = props;
    this.secretName = `${database}-pgbackrest-secrets`;
    const storeName = `${database}-pgbackrest-keys`;

    const ini = ['[global]'];
    const files: Record<string, string> = {};
    const data: { secretKey: string; remoteRef: { key: string; property: string } }[] = [];
    const readable = new Set<string>();
    const take = (secret: string, property: string, as: string) => {
      readable.add(secret);
      data.push({ secretKey: as, remoteRef: { key: secret, property } });
      return `{{ .${as} }}`;
    };

    for (const repo of props.repos) {
      const r = repo.name;
      const sourceName = `${database}-${r}-creds`;
      if (repo.s3 || repo.azure) {
        const ref = objectStoreCredentials(this, `Source-${r}`, {
          credentials: (repo.s3 ?? repo.azure)!.credentials,
          name: sourceName,
          namespace,
          vault: props.vault,
        });
        const id = take(ref.secretName, ref.accessKeyIdKey, `${r}_id`);
        const secret = take(ref.secretName, ref.secretAccessKeyKey, `${r}_secret`);
        if (repo.s3) ini.push(`${r}-s3-key=${id}`, `${r}-s3-key-secret=${secret}`);
        else ini.push(`${r}-azure-account=${id}`, `${r}-azure-key=${secret}`);
      } else if (repo.gcs) {
        const c = repo.gcs.credentials;
        const file = `${r}-gcs-key.json`;
        if ('vault' in c) {
          // Vault's GCP secrets engine returns the service-account JSON base64-encoded.
          const ref = objectStoreCredentials(this, `Source-${r}`, { credentials: c, name: sourceName, namespace, vault: props.vault });
          take(ref.secretName, 'private_key_data', `${r}_key`);
          files[file] = `{{ .${r}_key | b64dec }}`;
        } else {
          files[file] = take(c.existingSecret.name, c.existingSecret.key, `${r}_key`);
        }
        ini.push(`${r}-gcs-key=/etc/pgbackrest/conf.d/${file}`);
      }
    }

    const metadata = { name: storeName, namespace };
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata });
    new k8s.KubeRole(this, 'Role', {
      metadata,
      rules: [
        { apiGroups: [''], resources: ['secrets'], resourceNames: [...readable].sort(), verbs: ['get', 'list', 'watch'] },
        // ESO checks the store's permissions with a self review before it reads.
        { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectrulesreviews'], verbs: ['create'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: storeName },
      subjects: [{ kind: 'ServiceAccount', name: storeName, namespace }],
    });
    new SecretStore(this, 'Store', {
      metadata,
      spec: {
        provider: {
          kubernetes: {
            remoteNamespace: namespace,
            server: {
              caProvider: {
                type: SecretStoreSpecProviderKubernetesServerCaProviderType.CONFIG_MAP,
                name: 'kube-root-ca.crt',
                key: 'ca.crt',
              },
            },
            auth: { serviceAccount: { name: storeName } },
          },
        },
      },
    });

    new ExternalSecret(this, 'Resource', {
      metadata: { name: this.secretName, namespace },
      spec: {
        refreshInterval: props.refreshInterval ?? '1m',
        secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.SECRET_STORE, name: storeName },
        target: {
          name: this.secretName,
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          template: {
            engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
            // Only the rendered files: raw keys would land in conf.d as stray files.
            mergePolicy: ExternalSecretSpecTargetTemplateMergePolicy.REPLACE,
            data: { [REPO_CREDENTIALS_FILE]: `${ini.join('\n')}\n`, ...files },
          },
        },
        data,
      },
    });
  }
}
