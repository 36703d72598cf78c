/**
 * What adding a CloudNativePG cluster that imports another engine's generation does (engine
 * migration), for `pgfleet diff` and `pgfleet plan`. Tried before the other Cluster rules.
 *
 * @see https://cloudnative-pg.io/documentation/current/database_import/
 */
import { step, type ChangeRule } from '../change-rule';

const CLUSTER = 'postgresql.cnpg.io/v1 Cluster';

export const cnpgImportRules: readonly ChangeRule[] = [
  {
    kind: CLUSTER,
    path: '',
    on: 'added',
    when: (_b, _a, c) => c.state.after?.bootstrap.kind === 'migrate',
    class: 'new-cluster',
    why: (v) =>
      `new cluster ${v.name}: copied from ${v.source ?? '<source>'} by CloudNativePG's import (pg_dump of a snapshot, ` +
      `pg_restore), into its own archive folder; ${v.source ?? '<source>'} keeps running and serving`,
    steps: [
      step.before(
        (v) =>
          `every extension ${v.source ?? '<source>'}'s databases use (\`SELECT extname FROM pg_extension\` in each) ` +
          `exists in the image of the new major (the ClusterImageCatalog's entry); a missing one fails the import`,
      ),
      step.wait(
        (v) =>
          `the import runs in the first pod's initdb Job: \`kubectl -n ${v.namespace} get jobs -l cnpg.io/cluster=${v.name} -w\`, ` +
          `its log (\`kubectl -n ${v.namespace} logs -l cnpg.io/cluster=${v.name} -f\`) shows pg_dump and pg_restore of each database; ` +
          `a failed import leaves the Job failed and the source untouched: read the log, fix the stack, retire ${v.name} and try a new name`,
      ),
      step.wait(
        (v) =>
          `\`kubectl -n ${v.namespace} wait cluster/${v.name} --for=condition=Ready --timeout=6h\` succeeds ` +
          `(the import's time grows with the data; the replicas are cloned after it)`,
      ),
      step.check(
        (v) =>
          `the first base backup of the new archive folder completes: ` +
          `\`kubectl -n ${v.namespace} get backups -l cnpg.io/cluster=${v.name}\` (the ScheduledBackup takes one immediately)`,
      ),
    ],
  },
];
