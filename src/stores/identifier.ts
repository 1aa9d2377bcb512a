// Plain identifiers only: a table name is spliced into DDL, where parameters cannot go, so
// anything that could close a quote or start another statement must be refused, not escaped.
export const plainIdentifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
