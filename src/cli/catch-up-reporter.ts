import type { CatchUpProgress, CatchUpResult } from '../catch-up/catch-up.js';
import { createPalette, shouldUseColor, type OutputStream } from './colors.js';
import type { DeliveryResult, DeliveryTarget } from './deliver.js';
import { formatDelivery } from './reporter.js';

export interface CatchUpReporterOptions {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  json: boolean;
  /** Events are re-sent to the app (else only listed). */
  forwarding: boolean;
}

export interface CatchUpRun {
  since: string;
  undelivered: boolean;
  types: readonly string[] | undefined;
  target: DeliveryTarget | undefined;
}

// A terminal need not be redrawn more often than this.
const progressIntervalMs = 80;

/**
 * What a catch-up run shows. Listing: one line per event. Forwarding: one line per delivery, or on
 * a terminal a progress line (how far through the window, and the counters) with a line of its
 * own only for a delivery that failed. JSON: one object per event, then the summary.
 */
export function createCatchUpReporter(options: CatchUpReporterOptions) {
  const { stdout, json } = options;
  const color = createPalette(shouldUseColor(stdout, options.env));
  const useProgress = !json && options.forwarding && stdout.isTTY === true;
  let lastDrawn = 0;
  const clearLine = () => {
    if (useProgress) stdout.write('\r\u001b[2K');
  };
  const line = (value: Record<string, unknown>) => stdout.write(`${JSON.stringify(value)}\n`);

  return {
    start(run: CatchUpRun) {
      if (json) return;
      const what = [`since ${run.since}`, run.undelivered ? 'undelivered only' : '', run.types ? `types ${run.types.join(', ')}` : 'every type'].filter(Boolean).join(', ');
      const action = run.target ? `Re-sending events (${what}) to ${run.target.url.href}, oldest first` : `Listing events (${what}), oldest first; dry run: nothing is sent`;
      stdout.write(`${color.dim(action)}\n`);
    },
    event(progress: CatchUpProgress, delivery: DeliveryResult | undefined) {
      const { event } = progress;
      if (json) {
        line({ kind: 'event', id: event.id, type: event.type, created: progress.created, outcome: progress.outcome, ...(delivery && progress.outcome !== 'dry_run' ? { status: delivery.status, latencyMs: Math.round(delivery.latencyMs * 10) / 10 } : {}) });
        return;
      }
      if (!options.forwarding) {
        stdout.write(`${isoSeconds(progress.created)}  ${event.type}  ${event.id}\n`);
        return;
      }
      const failed = progress.outcome === 'failed';
      if (!useProgress || failed) {
        clearLine();
        stdout.write(`${formatDelivery(delivery as DeliveryResult, color)}\n`);
      }
      if (!useProgress) return;
      const now = performance.now();
      if (!failed && now - lastDrawn < progressIntervalMs) return;
      lastDrawn = now;
      const span = Math.max(1, progress.until - progress.since);
      const percent = Math.min(100, Math.floor(((progress.created - progress.since) / span) * 100));
      stdout.write(`\r\u001b[2Kat ${isoSeconds(progress.created)} (${percent}% of the window)  ${counters(progress, color)}`);
    },
    interrupted() {
      clearLine();
    },
    summary(result: CatchUpResult, dryRun: boolean) {
      clearLine();
      if (json) {
        line({ kind: 'summary', dryRun, ...result });
        return;
      }
      for (const warning of result.warnings) options.stderr.write(`warning: ${warning}\n`);
      if (dryRun) {
        stdout.write(
          `fetched ${result.fetched} event${result.fetched === 1 ? '' : 's'} from ${isoSeconds(result.since)} to ${isoSeconds(result.until)}; nothing was sent.\n` +
            (result.fetched > 0 ? 'To process them: add --forward-to <your endpoint> --secret whsec_..., or call catchUp() from the app (docs/catch-up.md).\n' : ''),
        );
        return;
      }
      stdout.write(`fetched ${result.fetched}, ${counters(result, color)}\n`);
      if (result.failed > 0) stdout.write('The failed events were answered with an error: fix the cause, then run the same command again.\n');
    },
  };
}

function counters(result: Omit<CatchUpResult, 'warnings'>, color: ReturnType<typeof createPalette>): string {
  const failed = `failed ${result.failed}`;
  const inProgress = result.inProgress > 0 ? `, in progress elsewhere ${result.inProgress}` : '';
  return `already done ${result.alreadyDone}, ${color.green(`processed ${result.processed}`)}, ${result.failed > 0 ? color.red(failed) : failed}${inProgress}`;
}

function isoSeconds(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
