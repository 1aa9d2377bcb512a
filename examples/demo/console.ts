// `npm run demo -- --console`: after the scenarios, the shop keeps running with its operator
// console open on the same PGlite data, until Ctrl-C.
import type { RunningApp } from './start-app.js';

export const consoleRequested = process.argv.includes('--console');

/** Where the example app mounts createConsoleHandler (with its inbox on). */
export const consolePath = '/console/';

/** Prints the console's URL and resolves on Ctrl-C; says so and resolves at once if the app serves none. */
export async function keepConsoleOpen(app: RunningApp): Promise<void> {
  const url = `${app.baseUrl}${consolePath}`;
  const answer = await fetch(url).catch((error: unknown) => error as Error);
  if (answer instanceof Error || !answer.ok) {
    console.log(`\nNo console at ${url} (${answer instanceof Error ? answer.message : `HTTP ${answer.status}`}): the app mounts it only with its inbox on.`);
    return;
  }
  console.log(`\nThe shop keeps running. Operator console: ${url}  (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
