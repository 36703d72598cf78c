import type { IConstruct } from 'constructs';

const KEY = 'pgfleet:data-bearing';

/**
 * Marks objects whose deletion or replacement loses data (cluster resources, StatefulSets, PVCs,
 * backup repositories, Helm releases that own them). The Pulumi program protects them and retains them on delete; the diff
 * classifies their removal as `destroys-data`.
 */
export class DataBearing {
  /** Marks `obj` as holding the data of `generation`. */
  public static mark(obj: IConstruct, generation: string): void {
    obj.node.addMetadata(KEY, generation);
  }

  /** The generation whose data `obj` holds, or undefined when it holds none. */
  public static generationOf(obj: IConstruct): string | undefined {
    return obj.node.metadata.find((m) => m.type === KEY)?.data as string | undefined;
  }
}
