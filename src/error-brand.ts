/**
 * `instanceof` fails between two copies of one error class: the ESM and CJS builds loaded side by
 * side, or two installed versions of the package. Each error class of the kit therefore carries a
 * brand, a registered symbol that every copy shares, and its static `is()` checks for it.
 */
export function setErrorBrand(error: Error, className: string): void {
  Object.defineProperty(error, Symbol.for(`stripe-webhook-kit.${className}`), { value: true });
}

/** Whether `value` carries the brand of `className` (set by that class or a subclass, from any copy). */
export function hasErrorBrand(value: unknown, className: string): boolean {
  try {
    return typeof value === 'object' && value !== null && Symbol.for(`stripe-webhook-kit.${className}`) in value;
  } catch {
    // A revoked Proxy throws on `in`: whatever it is, it is not one of the kit's errors.
    return false;
  }
}
