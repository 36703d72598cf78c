/** Rolling retention over simulated nights with the real backup-container 2.3.3 (backup-container-retention.ts). */
import { retentionSuite } from './backup-container-retention';

retentionSuite('2.3.3');
