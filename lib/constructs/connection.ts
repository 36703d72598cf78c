/**
 * Where a generation's connection details live, as the engine's operator (or pgfleet) writes
 * them. Consumers are wired to one of these, never to a copied value.
 */
export interface Connection {
  /** Secret in the database's namespace that holds the credentials. */
  readonly secretName: string;
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
