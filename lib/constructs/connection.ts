/**
 * Where a generation's connection details live, as the engine's operator (or pgfleet) writes
 * them. Consumers are wired to one of these, never to a copied value.
 */
export interface Connection {
  /** Secret in the database's namespace that holds the credentials. */
  readonly secretName: string;
  /**
   * The libpq `sslmode` consumers connect with, as the server demands it: `require` where it
   * serves TLS (CloudNativePG and PGO, with certificates from their own CA; Spilo, whose pg_hba
   * rejects every connection without TLS and whose certificate is self-signed), `disable` where it
   * serves none (the bcgov Patroni image, the postgres image without `ssl`). A driver left to its
   * own default may otherwise connect without TLS to a server that refuses that (node-postgres,
   * JDBC) or insist on TLS where there is none (lib/pq). `verify-full` needs the CA in the
   * application's pod, which a URL cannot carry.
   */
  readonly sslmode: 'require' | 'disable';
  /** Key holding a complete `postgresql://` URI, when the operator writes one (CNPG, PGO). */
  readonly uriKey?: string;
  /** Otherwise the URI is assembled from these. */
  readonly parts?: {
    /** Key of the user name in the Secret, or a literal user. */
    readonly user: { readonly key: string } | { readonly value: string };
    readonly passwordKey: string;
    /** Service host, e.g. `hcap-patroni.hcap-prod.svc`. */
    readonly host: string;
    readonly port: number;
    readonly database: string;
  };
}
