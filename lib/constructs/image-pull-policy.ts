/**
 * The pull policy of every container pgfleet defines, one rule for all engines: a tag that names a
 * moving target is pulled at every start, or each node keeps running whichever build it pulled
 * first; a digest or a version tag is pulled once.
 *
 * Moving: no tag (Kubernetes reads it as `latest`), a tag containing `latest` (`latest`,
 * `16-latest`, bcgov's `2.0.1-12.4-latest`: rebuilt under the same name), and a tag without a
 * digit (`main`, `stable`, `edge`: a branch or a channel). Kubernetes' own defaulting knows only
 * `latest`.
 *
 * Pinned: a digest, or a tag with a version number, a bare major such as `postgres:16` included.
 * That tag moves too, but only across minor releases of one major, which PostgreSQL keeps
 * compatible (same data format, pg_dump only minds the major); `Always` would make every start
 * of a server or Job depend on the registry answering.
 *
 * @see https://kubernetes.io/docs/concepts/containers/images/#imagepullpolicy-defaulting
 */
export function imagePullPolicy(image: string): 'Always' | 'IfNotPresent' {
  // `@` appears in an image reference only before a digest, which names exactly one build.
  if (image.includes('@')) return 'IfNotPresent';
  // The tag follows the last `:` of the last path segment (a registry port sits in the first).
  const tag = image.split('/').pop()!.split(':')[1] ?? 'latest';
  return /latest/i.test(tag) || !/\d/.test(tag) ? 'Always' : 'IfNotPresent';
}
