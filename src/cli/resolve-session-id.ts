// A session id from the command line: validated before it can become a file name, and matched
// to a session the home knows. A unique prefix (the 8 characters `status` shows) is enough.
import { existsSync } from 'node:fs'
import { sessionFile, type HomePaths } from '../home/home-paths.js'
import { isValidSessionId } from '../home/session-id.js'
import { listSessionIds } from '../supervisor/session-store.js'
import { UsageError } from './usage-error.js'

/** Shorter prefixes are taken only as whole ids. */
export const MIN_PREFIX_LENGTH = 4

/** The full id of a known session, or null when the home has no such session. */
export async function resolveSessionId(paths: HomePaths, raw: string): Promise<string | null> {
  if (!isValidSessionId(raw as unknown)) {
    throw new UsageError(
      `${JSON.stringify(raw.slice(0, 40))} is not a session id (letters, digits, "-" and "_", at most 128 characters)`,
    )
  }
  if (existsSync(sessionFile(paths, raw, 'journal')) || existsSync(sessionFile(paths, raw, 'state'))) return raw
  if (raw.length < MIN_PREFIX_LENGTH) return null
  const matches = (await listSessionIds(paths)).filter(id => id.startsWith(raw))
  if (matches.length > 1) {
    const shown = matches.slice(0, 3).join(', ') + (matches.length > 3 ? ', …' : '')
    throw new UsageError(`"${raw}" matches ${matches.length} sessions (${shown}): give more of the id`)
  }
  return matches[0] ?? null
}
