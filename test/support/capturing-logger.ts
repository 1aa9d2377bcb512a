import type { WebhookLogger } from '../../src/types.js';

export interface LoggedLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  details?: Record<string, unknown>;
}

/** A logger that keeps what it was told, so a test can assert on what the kit logged. */
export function capturingLogger(): { logger: WebhookLogger; lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const at = (level: LoggedLine['level']) => (message: string, details?: Record<string, unknown>) => {
    lines.push({ level, message, details });
  };
  return { logger: { info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

/** A logger whose `warn` throws, as a closed log transport would: an error the core cannot answer. */
export function throwingLogger(): WebhookLogger {
  return {
    info() {},
    error() {},
    warn() {
      throw new Error('log transport closed');
    },
  };
}
