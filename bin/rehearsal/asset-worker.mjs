// Runs one built Lambda asset in its own thread, as the Lambda runtime loads it: the file and
// export its Handler names, the template's environment, one invocation at a time. Records every
// environment variable the code reads that the environment does not hold.

import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const declared = new Set(Object.keys(process.env));
const undeclared = new Set();
const real = process.env;
process.env = new Proxy(real, {
  get(target, name) {
    if (typeof name === 'string' && !declared.has(name) && !(name in target)) undeclared.add(name);
    return Reflect.get(target, name);
  },
});

const [file, exportName] = workerData.handler.split('.');
let handler;
try {
  const mod = await import(pathToFileURL(`${workerData.assetDir}/${file}.mjs`).href);
  handler = mod[exportName];
  parentPort.postMessage({
    kind: 'ready',
    exported: typeof handler === 'function',
    undeclared: [...undeclared],
  });
} catch (error) {
  parentPort.postMessage({
    kind: 'ready',
    exported: false,
    error: String(error),
    undeclared: [...undeclared],
  });
}

let busy = Promise.resolve();
parentPort.on('message', (message) => {
  busy = busy.then(async () => {
    const context = {
      awsRequestId: message.id,
      functionName: workerData.name,
      getRemainingTimeInMillis: () => 30_000,
    };
    try {
      const result = await handler(message.event, context);
      parentPort.postMessage({ kind: 'result', id: message.id, result, undeclared: [...undeclared] });
    } catch (error) {
      parentPort.postMessage({
        kind: 'result',
        id: message.id,
        error: String(error),
        undeclared: [...undeclared],
      });
    }
  });
});
