// Injection tokens. Explicit tokens rather than constructor types: tsx (esbuild) does not emit
// decorator metadata, so Nest could not see the types; the tokens work with any compiler.
export const ORDERS_DB = Symbol('OrdersDb');
export const EXAMPLE_CONFIG = Symbol('ExampleConfig');
