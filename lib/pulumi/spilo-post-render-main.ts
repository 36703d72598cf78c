/**
 * The Helm post-renderer of Spilo releases (`bin/spilo-post-render.js`, bundled to
 * build/spilo-post-render.js): Helm writes the rendered chart to its stdin and installs what it
 * prints. See lib/engines/spilo/spilo-post-render.ts for what it changes and why.
 */
import { spiloPostRender } from '../engines/spilo/spilo-post-render';

export async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  try {
    process.stdout.write(spiloPostRender(Buffer.concat(chunks).toString('utf8')));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
