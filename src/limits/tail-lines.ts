// Walks a file's lines from the end backwards, a chunk at a time, so finding the newest rows of a
// transcript of hundreds of MB costs one or two small reads (docs/claude-code.md#transcript-limit-rows:
// read the tail, never the whole file). Lines are split on raw bytes, so a chunk border inside a
// UTF-8 character is harmless.
import type { FileHandle } from 'node:fs/promises'

const NEWLINE = 0x0a

export interface TailScan {
  /** Bytes read. */
  scanned: number
  /** File offset just after the newest newline seen: where the complete lines end. */
  completeEnd: number
  /** True when the walk stopped because `visit` asked it to. */
  stopped: boolean
}

export interface ScanRange {
  from: number
  to: number
  chunkBytes: number
  /** The first read can be smaller: the row wanted is usually the last one, about 1 KB. */
  firstChunkBytes?: number
  /** Whether `from` starts a line (default: only when it is the start of the file). */
  fromIsLineStart?: boolean
}

/**
 * Calls `visit` with each line in [from, to) from newest to oldest; `visit` returns true to stop.
 * The newest line may be torn (a writer mid-append): it is passed as is, and the caller's parser
 * rejects it. The oldest line is passed only when `from` is known to start a line (the start of
 * the file, or where an earlier scan's complete lines ended); otherwise the bound cut it.
 */
export async function scanLinesBackward(
  file: FileHandle,
  range: ScanRange,
  visit: (line: Buffer) => boolean,
): Promise<TailScan> {
  const { from, to, chunkBytes } = range
  let size = Math.min(range.firstChunkBytes ?? chunkBytes, chunkBytes)
  let pos = to
  let completeEnd = -1
  let pending: Buffer[] = [] // the newest, not yet complete line, as chunks in file order
  while (pos > from) {
    const start = Math.max(from, pos - size)
    size = chunkBytes
    const chunk = await readAt(file, start, pos - start)
    pos = start
    let end = chunk.length
    for (let nl = chunk.lastIndexOf(NEWLINE, end - 1); nl >= 0; nl = chunk.lastIndexOf(NEWLINE, end - 1)) {
      if (completeEnd < 0) completeEnd = start + nl + 1
      const line = pending.length ? Buffer.concat([chunk.subarray(nl + 1, end), ...pending]) : chunk.subarray(nl + 1, end)
      pending = []
      if (visit(line)) return { scanned: to - pos, completeEnd, stopped: true }
      end = nl
      if (end === 0) break
    }
    if (end > 0) pending.unshift(chunk.subarray(0, end))
  }
  const fromIsLineStart = range.fromIsLineStart ?? from === 0
  const stopped = fromIsLineStart && pending.length > 0 ? visit(Buffer.concat(pending)) : false
  return { scanned: to - pos, completeEnd: completeEnd < 0 ? from : completeEnd, stopped }
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length)
  const { bytesRead } = await file.read(buffer, 0, length, position)
  // Fewer bytes mean the file shrank under us: use what is there.
  return bytesRead < length ? buffer.subarray(0, bytesRead) : buffer
}
