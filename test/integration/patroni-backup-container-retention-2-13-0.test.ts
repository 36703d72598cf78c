/** Rolling retention over simulated nights with the real backup-container 2.13.0 (backup-container-retention.ts). */
import { retentionSuite } from './backup-container-retention';

retentionSuite('2.13.0');
