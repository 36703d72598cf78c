import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

/** `{cpu: '100m', memory: undefined}` → `{cpu: 100m}`: a stack's resource list as quantities, unset entries left out. */
export function resourceQuantities(list: { readonly cpu?: string; readonly memory?: string }): Record<string, k8s.Quantity> {
  return Object.fromEntries(
    Object.entries(list)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, k8s.Quantity.fromString(v!)]),
  );
}
