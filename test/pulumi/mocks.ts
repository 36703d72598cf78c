/** Pulumi runtime mocks that record every registered resource with its inputs and options. */
import * as pulumi from '@pulumi/pulumi';

export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly protect?: boolean;
  readonly retainOnDelete?: boolean;
  readonly dependsOn: string[];
}

export const registered: Registered[] = [];

/** Installs mocks; call before importing the program under test. */
export async function installMocks(stack = 'test-dev'): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
      call: (args) => args.inputs,
    },
    'pgfleet',
    stack,
    false,
  );
}

/**
 * A resource transformation that records each registration with its final options (options are
 * not visible to `newResource`). Pass it in the program's options: children inherit it.
 */
export const recorder: pulumi.ResourceTransformation = (args) => {
  const deps = args.opts.dependsOn ?? [];
  registered.push({
    type: args.type,
    name: args.name,
    inputs: args.props as Record<string, any>,
    protect: args.opts.protect,
    retainOnDelete: (args.opts as pulumi.CustomResourceOptions).retainOnDelete,
    dependsOn: (Array.isArray(deps) ? deps : [deps]).map((d) => (d as unknown as { __name?: string }).__name ?? '?'),
  });
  return undefined;
};

/** Resolves an Output under mocks. */
export function unwrap<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}
