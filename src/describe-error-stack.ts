import { describeError } from './describe-error.js';

/**
 * What a log line needs to find the failing line: the description, the stack, the chain of
 * `cause`s and the errors inside an AggregateError. For the log's details only, never for a
 * response. Like `describeError` it never throws, whatever was thrown.
 */
export interface ErrorDetails {
  /** `name: message`, as `describeError` says it. */
  error: string;
  /** The thrown value's stack, when it has one. */
  stack?: string;
  /** `cause`, then its cause, and so on (each with its stack when it has one). */
  causes?: string[];
  /** An AggregateError's errors (each with its stack when it has one). */
  errors?: string[];
}

// A log line, not a dump: long chains and stacks are cut.
const maxStackLength = 4000;
const maxChain = 5;

export function describeErrorStack(value: unknown): ErrorDetails {
  const details: ErrorDetails = { error: describeError(value) };
  try {
    const stack = readStack(value);
    if (stack !== undefined) details.stack = stack;
    const causes = causeChain(value);
    if (causes.length > 0) details.causes = causes;
    const errors = attempt(() => (value instanceof AggregateError && Array.isArray(value.errors) ? value.errors.slice(0, maxChain) : undefined));
    if (errors && errors.length > 0) details.errors = errors.map(withStack);
  } catch {
    // The description above is always there; the rest is a bonus.
  }
  return details;
}

/** The description and stack of one thrown value, in one string. */
function withStack(value: unknown): string {
  const stack = attempt(() => readStack(value));
  // A stack starts with `name: message` already.
  return stack ?? describeError(value);
}

function causeChain(value: unknown): string[] {
  const chain: string[] = [];
  const seen = new Set<unknown>([value]);
  let current = value;
  while (chain.length < maxChain) {
    const cause = attempt(() => (typeof current === 'object' && current !== null && 'cause' in current ? current.cause : undefined));
    if (cause === undefined || seen.has(cause)) break;
    seen.add(cause);
    chain.push(withStack(cause));
    current = cause;
  }
  return chain;
}

function readStack(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const stack = attempt(() => (value as { stack?: unknown }).stack);
  if (typeof stack !== 'string' || stack === '') return undefined;
  return stack.length > maxStackLength ? `${stack.slice(0, maxStackLength)}... (${stack.length - maxStackLength} more characters)` : stack;
}

function attempt<T>(step: () => T): T | undefined {
  try {
    return step();
  } catch {
    return undefined;
  }
}

/** The log details for what the handlers threw: one error in full, or each of several. */
export function handlerErrorDetails(errors: readonly unknown[]): ErrorDetails {
  if (errors.length === 1) return describeErrorStack(errors[0]);
  return { error: errors.map(describeError).join('; '), errors: errors.slice(0, maxChain).map(withStack) };
}
