/** How long the demo may run before it gives up: it must finish, even if something hangs. */
export const demoDeadlineMs = 150_000;
