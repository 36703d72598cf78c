/**
 * The RPO pgfleet states for Spilo holds in the real code: Spilo 2.1-p2's configure_spilo.py
 * writes `archive_timeout: 1800s` into the bootstrap (DCS) parameters of its template, then
 * deep-merges the SPILO_CONFIGURATION pgfleet renders over what it generated (its own
 * `deep_update`, taken from the pinned file), and Patroni (Debian's 3.0.2, the same merge as
 * Spilo's 2.1) lets those local `postgresql.parameters` override the DCS ones, so 5min reaches
 * clusters that bootstrapped long ago too.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWithTools, render, tempDir } from '../helpers';
import { describeWithUpstream, upstreamDir } from '../upstream';
import { ciip, valuesOf, LIVE } from '../engines/spilo-stack';

const CHECK = String.raw`
import ast, json, os, sys, yaml
src = open(os.path.join(sys.argv[1], 'configure_spilo.py')).read()
ns, template = {}, ''
for node in ast.parse(src).body:
    if isinstance(node, ast.FunctionDef) and node.name == 'deep_update':
        exec(compile(ast.Module(body=[node], type_ignores=[]), 'configure_spilo.py', 'exec'), ns)
    if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'TEMPLATE':
        template = ast.literal_eval(node.value)
spilo_own = [l.strip() for l in template.splitlines() if l.strip().startswith('archive_timeout:')]
generated = {'postgresql': {'parameters': {'max_connections': 100}},
             'bootstrap': {'dcs': {'postgresql': {'parameters': {'archive_timeout': '1800s'}}}}}
config = ns['deep_update'](yaml.safe_load(os.environ['SPILO_CONFIGURATION']), generated)
from patroni.config import Config
effective = object.__new__(Config)._build_effective_configuration(
    {'postgresql': {'parameters': {'archive_timeout': '1800s', 'wal_level': 'hot_standby'}}}, config)
print(json.dumps({'spilo': spilo_own, 'local': config['postgresql']['parameters'].get('archive_timeout'),
                  'effective': effective['postgresql']['parameters'].get('archive_timeout')}))
`;

describeWithUpstream(['spilo-2.1-p2'], 'Spilo archive_timeout through SPILO_CONFIGURATION (configure_spilo.py, Patroni)', () => {
  describeWithTools(['/usr/bin/python3', 'patroni'], 'with the pinned configure_spilo.py and Debian Patroni', () => {
    const run = (spiloConfiguration: string) => {
      const file = path.join(tempDir('pgfleet-spilo-'), 'check.py');
      fs.writeFileSync(file, CHECK);
      const r = spawnSync('/usr/bin/python3', [file, path.join(upstreamDir('spilo-2.1-p2')!, 'postgres-appliance', 'scripts')], {
        encoding: 'utf8',
        env: { PATH: '/usr/bin:/bin', SPILO_CONFIGURATION: spiloConfiguration },
      });
      expect(r.stderr).toBe('');
      return JSON.parse(r.stdout);
    };

    test('the rendered value turns Spilo’s 1800s into 300s for every member, over the DCS value', () => {
      const env = valuesOf(render(ciip()), LIVE).env!;
      expect(run(env.SPILO_CONFIGURATION)).toEqual({ spilo: ['archive_timeout: 1800s'], local: '300s', effective: '300s' });
    });

    test('without it the DCS value (1800s) stays: the 30-minute RPO pgfleet removes', () => {
      expect(run('{}')).toEqual({ spilo: ['archive_timeout: 1800s'], local: null, effective: '1800s' });
    });
  });
});
