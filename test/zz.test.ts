import * as fs from 'node:fs';
import { DRILL_PRELUDE } from '../lib/constructs/drill-scripts';
import { CNPG_DRILL_SCRIPT } from '../lib/engines/cnpg/cnpg-drill-script';
test('x', () => {
  fs.writeFileSync('/tmp/drills/cnpg.sh', DRILL_PRELUDE + CNPG_DRILL_SCRIPT);
});
