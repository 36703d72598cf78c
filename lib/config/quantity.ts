/** Kubernetes resource quantities, parsed only as far as comparing storage sizes needs. */

const SUFFIX: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A storage size as Kubernetes writes it: `50Gi`, `500Mi`, `1T`. */
export const QUANTITY_PATTERN = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/** Bytes in a quantity, or undefined when it is not a plain storage quantity. */
export function quantityBytes(q: string): number | undefined {
  const m = QUANTITY_PATTERN.exec(q);
  if (!m) return undefined;
  return Number(m[1]) * SUFFIX[m[2] ?? ''];
}
