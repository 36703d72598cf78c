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
    'organization',
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

/**
 * Mocks for running the whole program (`lib/pulumi/main.ts`) as `pulumi up -s <stack>` would,
 * with `config` as the stack's Pulumi config and `deployed` as what the last deployment exported
 * (the program reads it through a reference to its own stack). Returns the names registered.
 */
export async function installProgramMocks(
  stack: string,
  config: Record<string, unknown>,
  deployed?: Record<string, unknown>,
): Promise<string[]> {
  const created: string[] = [];
  // Under mocks pulumi.log goes to the console: keep the test output to the results.
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
  );
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        created.push(`${args.type} ${args.name}`);
        return { id: `${args.name}-id`, state: args.type === 'pulumi:pulumi:StackReference' ? { outputs: deployed ?? {} } : args.inputs };
      },
      call: (args) => args.inputs,
    },
    'pgfleet',
    stack,
    false,
    'organization',
  );
  return created;
}

/** Runs the program module's exported function. */
export async function runMain(): Promise<Record<string, any>> {
  const main = (await import('../../lib/pulumi/main')) as unknown as { default: () => Promise<Record<string, any>> };
  return main.default();
}
