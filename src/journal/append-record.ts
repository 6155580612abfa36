// The one way a line enters a journal. O_APPEND and a single write() keep concurrent writers
// from interleaving; the folders are checked and the file opened without following a link
// (safe-dirs.ts, safe-files.ts), so a planted link cannot redirect the write outside home.
import { Buffer } from 'node:buffer'
import { closeSync, fstatSync, readSync, writeSync } from 'node:fs'
import { serializeRecord, type JournalRecord } from './event-record.js'
import { sessionFile, type HomePaths } from '../home/home-paths.js'
import { ensureHomeDir } from '../home/safe-dirs.js'
import { openAppendSync } from '../home/safe-files.js'

/** The one write() of a line; a test passes its own to see a short write or a failing disk. */
export type WriteLine = (fd: number, bytes: Buffer) => number

export function appendRecord(paths: HomePaths, record: JournalRecord, write: WriteLine = writeSync): void {
  const file = sessionFile(paths, record.sessionId, 'journal')
  ensureHomeDir(paths.home, paths.eventsDir)
  const fd = openAppendSync(file, { read: true })
  try {
    // A line torn by an earlier full disk must not swallow this one: start on a fresh line.
    const prefix = endsMidLine(fd) ? '\n' : ''
    const bytes = Buffer.from(prefix + serializeRecord(record))
    const written = write(fd, bytes)
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
