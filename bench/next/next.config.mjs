// A route-only app, served by `next start` for bench/http.ts. Its own folder is the root: the
// repository's lockfile above it must not make Next treat the whole repository as the project.
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** @type {import('next').NextConfig} */
export default { turbopack: { root: here }, outputFileTracingRoot: here };
