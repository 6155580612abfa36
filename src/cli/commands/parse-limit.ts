// `session-retry parse-limit [--now <iso>] [--tz <zone>] [--transcript <path>] [--] <text…>`:
// what the product makes of a limit banner or a transcript, as one JSON object.
import type { CliIo } from '../cli-io.js'
import { localZoneName } from '../format-time.js'
import { printJson } from '../json-output.js'
import { parseLimitCommand } from '../parse-limit-command.js'

export interface ParseLimitOptions {
  now?: string
  tz?: string
  transcript?: string
}

/** Exit 0 with the verdict; 1 when the transcript could not be read and no text was given. */
export async function parseLimitCliCommand(text: string[], options: ParseLimitOptions, io: CliIo): Promise<number> {
  const output = await parseLimitCommand({ ...options, text }, { now: io.now, localZone: localZoneName() })
  printJson(io, output)
  if (output.ok) return 0
  const error = output.transcript?.error
  io.stderr(`session-retry: cannot read transcript ${options.transcript}${error ? `: ${error.message}` : ''}\n`)
  return 1
}
