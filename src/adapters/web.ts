// Placeholder while this subpath is built: see the open issue.
export {};
