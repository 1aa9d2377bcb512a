// Express 4 and 5 are installed side by side as `express4` and `express5`; neither ships types, and
// @types/express describes both well enough for what the tests use (json, raw, routes, listen).
declare module 'express4' {
  export { default } from 'express';
}
declare module 'express5' {
  export { default } from 'express';
}
