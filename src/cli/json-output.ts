// `--json` on every read command: one pretty object on stdout with a `version` field that says
// which shape it is, so scripts can tell when it changes. Nothing else is printed in JSON mode.
import type { CliIo } from './cli-io.js'

/** The version of the CLI's JSON output shapes (not the package version). */
export const JSON_OUTPUT_VERSION = 1

/**
 * The shape version comes first and is always this one: a value's own `version` field (a package
 * version, say) is left out rather than put in its place; name such a field otherwise.
 */
export function printJson(io: CliIo, value: object): void {
  const shaped: Record<string, unknown> = { version: JSON_OUTPUT_VERSION, ...value }
  // Assigning keeps the key where it is: first.
  shaped.version = JSON_OUTPUT_VERSION
  io.stdout(JSON.stringify(shaped, null, 2) + '\n')
}
