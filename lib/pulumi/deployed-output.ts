/**
 * What a `pulumi up` deployed, kept in Pulumi's own state: the program exports the rendered files
 * of the stack as the stack output `pgfleet`, and the next run reads it back through a reference
 * to its own stack. The gate and the transition rules then compare with what is really deployed,
 * whatever the git tree says. The files are stored gzipped (a stack's output is 20–200 kB of YAML).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { RenderedStack } from '../outputs/render-stack';

/** The `pgfleet` stack output. */
export interface DeployedOutput {
  /** Bumped when the shape changes. */
  readonly format: 1;
  readonly stack: string;
  /** JSON object of file name → content, gzipped, base64. */
  readonly files: string;
}

export const OUTPUT_NAME = 'pgfleet';

/** The stack output recording a rendered stack. */
export function packOutput(rendered: RenderedStack): DeployedOutput {
  const files = Object.fromEntries(rendered.files);
  return { format: 1, stack: rendered.resolved.spec.stack, files: gzipSync(JSON.stringify(files)).toString('base64') };
}

/**
 * The files the previous deployment recorded: empty for a stack never deployed by this program;
 * an error (never "nothing deployed") for an output that is not one pgfleet wrote.
 */
export function unpackOutput(value: unknown, stack: string): Map<string, string> {
  if (value === undefined || value === null) return new Map();
  const v = value as Partial<DeployedOutput>;
  if (v.format !== 1 || typeof v.files !== 'string' || v.stack !== stack) {
    throw new Error(
      `the stack output ${OUTPUT_NAME} of ${stack} is not the record pgfleet writes (format ${JSON.stringify(v.format)}, stack ${JSON.stringify(v.stack)}): ` +
        'pgfleet cannot tell what is deployed. Check `pulumi stack output pgfleet`; if the stack was deployed by something else, remove the output with `pulumi stack export`/`import` after review',
    );
  }
  let files: unknown;
  try {
    files = JSON.parse(gunzipSync(Buffer.from(v.files, 'base64')).toString('utf8'));
  } catch (e) {
    throw new Error(
      `the stack output ${OUTPUT_NAME} of ${stack} does not decode (${(e as Error).message}): pgfleet cannot tell what is deployed`,
    );
  }
  if (!files || typeof files !== 'object' || Object.values(files).some((c) => typeof c !== 'string')) {
    throw new Error(`the stack output ${OUTPUT_NAME} of ${stack} holds no file map: pgfleet cannot tell what is deployed`);
  }
  return new Map(Object.entries(files as Record<string, string>));
}
