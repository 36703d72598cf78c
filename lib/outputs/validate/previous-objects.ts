/**
 * The objects a new output replaces, for the CEL transition rules (`oldSelf`): the API server
 * checks an update against the object it replaces, e.g. a CloudNativePG `Backup` whose spec may
 * never change. Files are parsed only when a rule asks.
 */
import { parseAllDocuments } from 'yaml';
import { isPlainObject } from './manifest-problems';

/** Whether two manifests name the same object (API group, kind, namespace, name). */
export function sameObject(a: unknown, b: unknown): boolean {
  if (!isPlainObject(a) || !isPlainObject(b) || !isPlainObject(a.metadata) || !isPlainObject(b.metadata)) return false;
  const group = (v: unknown) => (typeof v === 'string' && v.includes('/') ? v.slice(0, v.indexOf('/')) : '');
  return (
    group(a.apiVersion) === group(b.apiVersion) &&
    a.kind === b.kind &&
    a.metadata.name === b.metadata.name &&
    (a.metadata.namespace ?? '') === (b.metadata.namespace ?? '')
  );
}

/** The object in a manifest file's text that `obj` replaces, or undefined (a new object, or a file that does not parse). */
export function previousIn(text: string | undefined, obj: unknown): unknown {
  if (text === undefined) return undefined;
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) return undefined;
    const old = doc.toJS();
    if (sameObject(old, obj)) return old;
  }
  return undefined;
}
