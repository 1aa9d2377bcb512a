import express from 'express';
import { createHealthHandler } from 'stripe-webhook-kit';
import { consoleNodeListener } from 'stripe-webhook-kit/console';
import { pgBossInbox, type PgBossLike } from 'stripe-webhook-kit/pg-boss';

declare const boss: PgBossLike; // your started PgBoss instance
const inbox = pgBossInbox(boss);

// 200 while the inbox keeps up, 503 with the problems when it does not (Cache-Control: no-store).
const probe = createHealthHandler({ inbox, maxLagMs: 60_000, maxDead: 0 });

const app = express();
// A (Request) => Promise<Response> function, mounted as the console is.
app.get('/healthz/inbox', consoleNodeListener(probe));
app.listen(3000);

// Or read it yourself:
const health = await inbox.health({ maxLagMs: 60_000, maxDead: 0 });
if (!health.ok) console.warn(health.problems.map((problem) => `${problem.code}: ${problem.message}`).join('\n'));
