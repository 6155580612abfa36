// Which file a command name runs, as a shell would find it on PATH: `doctor` reports it and
// `service install` writes it into the service, whose PATH is not the user's.
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, isAbsolute, join } from 'node:path'

export function resolveBin(bin: string, path: string): string | null {
  const candidates = isAbsolute(bin) || bin.includes('/') ? [bin] : path.split(delimiter).filter(Boolean).map(dir => join(dir, bin))
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK)
      if (statSync(file).isFile()) return file
    } catch {
      // not here
    }
  }
  return null
}
