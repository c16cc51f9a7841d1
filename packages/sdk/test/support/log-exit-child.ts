/**
 * Child process of batched-log-writes.test.ts: logs lines to a file through a synchronous
 * pino.destination (so they are held for the end of the turn), then ends the process in the same
 * turn, as argv[3] says: `exit` (process.exit), `throw` (an uncaught exception) or `async`
 * (an asynchronous pino.destination, then process.exit).
 */
import { pino } from 'pino';
import { init } from '../../src/index.js';

const [file, how] = [process.argv[2]!, process.argv[3]!];
const monitor = init(
  {
    serviceName: 'exit-child',
    transport: { type: 'memory' },
    metrics: { enabled: false },
    logs: { destination: pino.destination({ dest: file, sync: how !== 'async', mkdir: false }) },
    diagnostics: { destination: { write: () => undefined } },
  },
  {},
);
// An asynchronous SonicBoom opens its file asynchronously: wait for it to be ready.
if (how === 'async') await new Promise((resolve) => setTimeout(resolve, 100));
for (let line = 0; line < 5; line += 1) monitor.logger.info({ line }, 'held until the turn ends');
if (how === 'throw') throw new Error('crash after logging');
process.exit(0);
