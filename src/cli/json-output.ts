// `--json` on every read command: one pretty object on stdout with a `version` field that says
// which shape it is, so scripts can tell when it changes. Nothing else is printed in JSON mode.
import type { CliIo } from './cli-io.js'

/** The version of the CLI's JSON output shapes (not the package version). */
export const JSON_OUTPUT_VERSION = 1

export function printJson(io: CliIo, value: object): void {
  io.stdout(JSON.stringify({ version: JSON_OUTPUT_VERSION, ...value }, null, 2) + '\n')
}
