/**
 * The image part of a standalone database's stack schema: image references with an explicit tag,
 * and the server image (one repository, a tag per major).
 */
import { z } from 'zod';

/** A container image reference with an explicit tag (and optionally a digest). */
export const imageRef = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?$/,
    {
      message: 'an image reference with a tag, e.g. docker.io/library/postgres:16 or ghcr.io/owl-corp/psql_extended:16',
    },
  );

/** The leading major version of an image tag (`postgres:16.4-bookworm` → 16), if it has one. */
export function tagMajor(image: string): number | undefined {
  const tag =
    image
      .replace(/@sha256:[a-f0-9]{64}$/, '')
      .split('/')
      .pop()!
      .split(':')[1] ?? '';
  const m = /^(\d+)(?:[.-]|$)/.exec(tag);
  return m ? Number(m[1]) : undefined;
}

/** The server image: one repository, the tag chosen per generation's major. */
export const serverImageSettings = z
  .object({
    repository: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/, {
        message: 'an image repository without tag, e.g. ghcr.io/owl-corp/psql_extended',
      })
      .default('docker.io/library/postgres')
      .meta({ description: 'Image repository, without tag.', examples: ['ghcr.io/owl-corp/psql_extended'] }),
    tags: z
      .record(
        z.string().regex(/^\d+$/, { message: 'a major version such as "16"' }),
        z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { message: 'an image tag' }),
      )
      .default({})
      .meta({ description: 'Tag per major; without an entry the tag is the major (e.g. `16`).', examples: [{ '16': '16.4-bookworm' }] }),
    pullPolicy: z.enum(['Always', 'IfNotPresent']).default('IfNotPresent').meta({ description: 'Image pull policy.' }),
    runAsUser: z
      .number()
      .int()
      .min(1)
      .max(2147483647)
      .default(999)
      .meta({ description: "User (and fsGroup) the image's postgres runs as: 999 in the official Debian images.", examples: [70] }),
  })
  .strict();
