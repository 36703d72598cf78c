/**
 * The scale Jobs' kubectl commands, exactly as synthesized (one container's `args` each), parsed by
 * a real kubectl of the default image's version against an API server that does not answer: a
 * flag kubectl does not know fails before it dials, so every command must get as far as the
 * connection. No cluster is needed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWithTools, find, render, tempDir } from '../helpers';
import { upgrading } from '../engines/standalone-stack';

describeWithTools(['kubectl'], 'standalone scale Jobs against a real kubectl', () => {
  let dir: string;
  let kubeconfig: string;
  beforeAll(() => {
    dir = tempDir('pgfleet-kubectl-');
    kubeconfig = path.join(dir, 'config');
    // Port 1 on loopback: nothing listens, so every command stops at the connection.
    fs.writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: x, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: x, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: x, user: x}}]\ncurrent-context: x\n',
    );
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = (args: string[]) => {
    const r = spawnSync('kubectl', args, {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig },
      timeout: 30_000,
    });
    return `${r.stdout}${r.stderr}`;
  };

  const r = render(upgrading({ serving: 'postgres-17' }));
  const commands = ['postgres-17-writers-down', 'postgres-17-writers-up'].flatMap((job) => {
    const pod = find(r, 'Job', job).spec.template.spec;
    return [...(pod.initContainers ?? []), ...pod.containers].map((c: any) => c.args as string[]);
  });

  test("the kubectl tested here is within one minor of the image (kubectl's skew policy), so its flags are the image's", () => {
    const image = find(r, 'Job', 'postgres-17-writers-down').spec.template.spec.containers[0].image as string;
    const minor = (v: string) => Number(/v1\.(\d+)\./.exec(v)?.[1]);
    const client = minor(kubectl(['version', '--client']));
    expect(Math.abs(client - minor(image))).toBeLessThanOrEqual(1);
  });

  test('every command parses and gets as far as the API server', () => {
    expect(commands.length).toBe(20);
    for (const args of commands) {
      const out = kubectl(args);
      // The command in the message, so a failure names it.
      expect(`${args.join(' ')}: ${out}`).not.toMatch(/unknown (flag|shorthand flag|command)|invalid argument|required flag/i);
      expect(`${args.join(' ')}: ${out}`).toMatch(/127\.0\.0\.1:1.*refused/);
    }
  });

  test('a misspelt flag is caught (so the test above can fail)', () => {
    expect(kubectl(['wait', '--for=delete', 'pod', '--namespace=web', '--selectr=app=site'])).toContain('unknown flag: --selectr');
  });

  test('going down, the last step of each writer only waits for its pods; no step deletes anything', () => {
    const down = commands.slice(0, 12);
    expect(down.filter((a) => a[0] === 'wait').map((a) => a.slice(0, 3))).toEqual(Array(4).fill(['wait', '--for=delete', 'pod']));
    expect(commands.some((a) => a.includes('delete') && a[0] !== 'wait')).toBe(false);
  });
});
