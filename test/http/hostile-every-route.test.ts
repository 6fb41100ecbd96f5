/** The hostile corpus to every route (hostile-every-route-suite.ts), on SQLite. */
import { startTessera } from '../support/tessera-under-test.js';
import { hostileEveryRouteSuite } from './hostile-every-route-suite.js';

hostileEveryRouteSuite(startTessera);
