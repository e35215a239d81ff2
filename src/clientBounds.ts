// The CLI's bounds on Temporal, in a module of their own: the error wrapper says them without loading the SDK.

/**
 * Connecting (and, when that fails, as long again to learn why); and every call that sets no deadline of
 * its own, retries included: a long poll (`rollout result`) is answered by the server within 20 s, so a
 * call silent for 30 s went into a dead link.
 */
export const CONNECT_BOUND_MS = 5_000;
export const CALL_BOUND_MS = 30_000;
