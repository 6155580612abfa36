/** A mistake in how a command was called: the CLI prints the message and exits 2, not 1, so scripts can tell it from a failure. */
export class UsageError extends Error {
  override name = 'UsageError'
}
