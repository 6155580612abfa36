// The one way a line enters a journal. O_APPEND and a single write() keep concurrent writers
// from interleaving; O_NOFOLLOW keeps a planted symlink from redirecting the write outside home.
import { Buffer } from 'node:buffer'
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs'
import { serializeRecord, type JournalRecord } from './event-record.js'
import { sessionFile, type HomePaths } from './home-paths.js'

const APPEND_FLAGS = constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0)

export function appendRecord(paths: HomePaths, record: JournalRecord): void {
  const file = sessionFile(paths, record.sessionId, 'journal')
  mkdirSync(paths.eventsDir, { recursive: true, mode: 0o700 })
  const fd = openSync(file, APPEND_FLAGS, 0o600)
  try {
    // A line torn by an earlier full disk must not swallow this one: start on a fresh line.
    const prefix = endsMidLine(fd) ? '\n' : ''
    const bytes = Buffer.from(prefix + serializeRecord(record))
    const written = writeSync(fd, bytes)
    if (written !== bytes.length) {
      throw Object.assign(new Error(`short write to ${file} (${written} of ${bytes.length} bytes)`), { code: 'ESHORTWRITE' })
    }
  } finally {
    closeSync(fd)
  }
}

function endsMidLine(fd: number): boolean {
  const size = fstatSync(fd).size
  if (size === 0) return false
  const last = Buffer.alloc(1)
  readSync(fd, last, 0, 1, size - 1)
  return last[0] !== 0x0a
}
