// Reads a journal from a byte offset to the end, whole lines only: a line still being written
// (no newline yet) is left for the next read, so the offset only ever covers complete lines.
// A line may be at most MAX_LINE_BYTES long. One that grows past it (garbage, or a writer that never
// ends its line) is handed back as oversized, with its head only, and the offset moves past it:
// without the cap every read would rescan the same unfinished line from its start.
import { Buffer } from 'node:buffer'
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'

/**
 * Far above the longest line the product writes: twelve text fields of at most 8,192 characters
 * (MAX_TEXT_CHARS), each at most 6 bytes per character once escaped, is under 600 KiB.
 */
export const MAX_LINE_BYTES = 1024 * 1024

export interface JournalLine {
  /** The line without its newline; for an oversized line, its first MAX_LINE_BYTES bytes only. */
  text: string
  /** The offset just past the line's newline (for an oversized line without one: the end of the read). */
  end: number
  /** Set when the line is longer than MAX_LINE_BYTES: its length in bytes as far as it was read. */
  oversizedBytes?: number
}

export interface JournalChunk {
  /** Complete lines, in order. */
  lines: JournalLine[]
  /** Offset after the last line (the new applied-up-to point once they are applied). */
  end: number
  /** The file is shorter than the offset: it was truncated or replaced. */
  truncated: boolean
}

const READ_SIZE = 256 * 1024
/** A journal is never read through a symbolic link. */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)

/**
 * Synchronous on purpose: what is read is what was just appended (in the page cache), and a read
 * through the thread pool costs the supervisor four round trips per journal change.
 */
export function readJournalFrom(file: string, offset: number): JournalChunk {
  const fd = openSync(file, READ_FLAGS)
  try {
    const { size } = fstatSync(fd)
    if (size < offset) return { lines: [], end: offset, truncated: true }
    const splitter = new LineSplitter(offset)
    let position = offset
    while (position < size) {
      // Unfilled: only the bytesRead bytes that readSync wrote are ever looked at.
      const buffer = Buffer.allocUnsafe(Math.min(READ_SIZE, size - position))
      const bytesRead = readSync(fd, buffer, 0, buffer.length, position)
      if (bytesRead === 0) break
      splitter.push(buffer.subarray(0, bytesRead))
      position += bytesRead
    }
    const lines = splitter.finish()
    return { lines, end: lines.length ? lines[lines.length - 1]!.end : offset, truncated: false }
  } finally {
    closeSync(fd)
  }
}

/** Splits bytes into lines; keeps at most MAX_LINE_BYTES of the line in progress. */
class LineSplitter {
  readonly lines: JournalLine[] = []
  private parts: Buffer[] = []
  private kept = 0
  private length = 0

  constructor(private position: number) {}

  push(data: Buffer): void {
    let start = 0
    while (start < data.length) {
      const newline = data.indexOf(0x0a, start)
      const stop = newline === -1 ? data.length : newline
      if (newline !== -1 && this.length === 0 && stop - start <= MAX_LINE_BYTES) {
        // The common line, whole within this read: decoded in place, no Buffer made for it.
        this.position += stop - start + 1
        this.lines.push({ text: data.toString('utf8', start, stop), end: this.position })
        start = newline + 1
        continue
      }
      this.add(data.subarray(start, stop))
      this.position += stop - start
      if (newline === -1) return
      this.position += 1
      this.endLine()
      start = newline + 1
    }
  }

  /** The lines read; an unfinished line is dropped, unless it is already too long to ever be kept. */
  finish(): JournalLine[] {
    if (this.length > MAX_LINE_BYTES) this.endLine()
    return this.lines
  }

  private add(part: Buffer): void {
    this.length += part.length
    const room = MAX_LINE_BYTES - this.kept
    if (room <= 0 || part.length === 0) return
    const taken = part.length <= room ? part : part.subarray(0, room)
    this.parts.push(taken)
    this.kept += taken.length
  }

  private endLine(): void {
    const text = (this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts)).toString('utf8')
    this.lines.push(this.length > MAX_LINE_BYTES ? { text, end: this.position, oversizedBytes: this.length } : { text, end: this.position })
    this.parts = []
    this.kept = 0
    this.length = 0
  }
}
