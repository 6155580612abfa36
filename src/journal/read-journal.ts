// Reads a journal from a byte offset to the end, whole lines only: a line still being written
// (no newline yet) is left for the next read, so the offset only ever covers complete lines.
import { Buffer } from 'node:buffer'
import { open } from 'node:fs/promises'

export interface JournalChunk {
  /** Complete lines, each with the offset just past its newline. */
  lines: { text: string; end: number }[]
  /** Offset after the last complete line (the new applied-up-to point once they are applied). */
  end: number
  /** The file is shorter than the offset: it was truncated or replaced. */
  truncated: boolean
}

const READ_SIZE = 256 * 1024

export async function readJournalFrom(file: string, offset: number): Promise<JournalChunk> {
  const handle = await open(file, 'r')
  try {
    const { size } = await handle.stat()
    if (size < offset) return { lines: [], end: offset, truncated: true }
    const lines: JournalChunk['lines'] = []
    let position = offset
    let carry = Buffer.alloc(0)
    let carryStart = offset
    while (position < size) {
      const buffer = Buffer.alloc(Math.min(READ_SIZE, size - position))
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position)
      if (bytesRead === 0) break
      position += bytesRead
      const data = carry.length ? Buffer.concat([carry, buffer.subarray(0, bytesRead)]) : buffer.subarray(0, bytesRead)
      let start = 0
      for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, start)) {
        lines.push({ text: data.subarray(start, nl).toString('utf8'), end: carryStart + nl + 1 })
        start = nl + 1
      }
      carry = Buffer.from(data.subarray(start))
      carryStart += start
    }
    return { lines, end: lines.length ? lines[lines.length - 1]!.end : offset, truncated: false }
  } finally {
    await handle.close()
  }
}
