import { createPalette, shouldUseColor, type OutputStream, type Palette } from './colors.js';
import type { DeliveryResult } from './deliver.js';
import { deliveryHint } from './delivery-hint.js';
import { roundMs, type DeliverySummary } from './summarize.js';

export interface ReporterOptions {
  stdout: OutputStream;
  env: NodeJS.ProcessEnv;
  /** One JSON object per line instead of text. */
  json: boolean;
  /**
   * How many deliveries are planned; above one on a terminal, a progress line replaces the list.
   * `undefined`: not known in advance (retries), so the progress line shows only the count.
   */
  total: number | undefined;
}

/** Shows deliveries as they happen and the summary at the end. */
export interface Reporter {
  /** A heading for people (nothing in JSON mode). */
  start(text: string): void;
  delivery(result: DeliveryResult): void;
  summary(summary: DeliverySummary): void;
  /** The run stopped on an error: leave the terminal ready for its message. */
  interrupted(): void;
}

// Long enough for the contract's JSON answers, short enough to keep a line readable.
const responsePreviewChars = 100;
// A terminal need not be redrawn more often than this.
const progressIntervalMs = 80;

export function createReporter(options: ReporterOptions): Reporter {
  const { stdout } = options;
  if (options.json) return jsonReporter(stdout);

  const color = createPalette(shouldUseColor(stdout, options.env));
  const useProgress = stdout.isTTY === true && (options.total ?? Number.POSITIVE_INFINITY) > 1;
  let done = 0;
  let failed = 0;
  let lastDrawn = 0;
  // Each hint once per run: a hundred 404s need one explanation.
  const hinted = new Set<string>();
  const hintLine = (result: DeliveryResult) => {
    const hint = deliveryHint(result);
    if (hint === undefined || hinted.has(hint)) return;
    hinted.add(hint);
    stdout.write(`  ${color.dim(`hint: ${hint}`)}\n`);
  };
  const clearLine = () => {
    if (useProgress) stdout.write('\r\u001b[2K');
  };
  const drawProgress = (force: boolean) => {
    const now = performance.now();
    if (!force && now - lastDrawn < progressIntervalMs) return;
    lastDrawn = now;
    clearLine();
    stdout.write(`${done}${options.total === undefined ? '' : `/${options.total}`} sent  ${color.green(`2xx ${done - failed}`)}  ${failed > 0 ? color.red(`non-2xx ${failed}`) : `non-2xx ${failed}`}`);
  };

  return {
    start(text) {
      stdout.write(`${color.dim(text)}\n`);
    },
    delivery(result) {
      done++;
      if (!result.ok) failed++;
      if (!useProgress) {
        stdout.write(`${formatDelivery(result, color)}\n`);
        if (!result.ok) hintLine(result);
        return;
      }
      // With a progress line, only the deliveries that need attention get a line of their own.
      if (!result.ok) {
        clearLine();
        stdout.write(`${formatDelivery(result, color)}\n`);
        hintLine(result);
      }
      drawProgress(!result.ok || done === options.total);
    },
    interrupted() {
      clearLine();
    },
    summary(summary) {
      clearLine();
      const failedText = `non-2xx ${summary.failed}`;
      stdout.write(
        `sent ${summary.sent}, ${color.green(`2xx ${summary.ok}`)}, ${summary.failed > 0 ? color.red(failedText) : failedText}, ` +
          `latency p50 ${summary.p50Ms.toFixed(1)} ms, p99 ${summary.p99Ms.toFixed(1)} ms\n`,
      );
    },
  };
}

/** One line per delivery: status, event type, event id, latency, and the start of the answer. */
export function formatDelivery(result: DeliveryResult, color: Palette): string {
  const status = result.ok ? color.green(String(result.status)) : color.red(String(result.status));
  const answer = result.response.replace(/\s+/g, ' ').trim();
  const preview = answer.length > responsePreviewChars ? `${answer.slice(0, responsePreviewChars - 3)}...` : answer;
  return `${status}  ${result.eventType}  ${result.eventId}${result.label ? `  ${result.label}` : ''}  ${color.dim(`${result.latencyMs.toFixed(1)} ms`)}  ${preview}`;
}

function jsonReporter(stdout: OutputStream): Reporter {
  const line = (value: Record<string, unknown>) => stdout.write(`${JSON.stringify(value)}\n`);
  return {
    start() {},
    delivery(result) {
      const hint = deliveryHint(result);
      line({ kind: 'delivery', ...result, latencyMs: roundMs(result.latencyMs), ...(hint === undefined ? {} : { hint }) });
    },
    summary(summary) {
      line({ kind: 'summary', ...summary });
    },
    interrupted() {},
  };
}
