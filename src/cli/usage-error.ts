/** A mistake in how a command was called: the CLI prints the message and exits 2 (STYLE #13). */
export class UsageError extends Error {
  override name = 'UsageError'
}
