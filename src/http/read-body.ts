// Request bodies: JSON only, at most 64 KiB, read as a stream and abandoned as soon as the limit
// is passed (a client cannot make the supervisor buffer more than that).
import type { IncomingMessage } from 'node:http'
import { HttpError } from './respond.js'

export const MAX_BODY_BYTES = 64 * 1024

/** 415 unless the Content-Type is `application/json` (charset, if given, utf-8). */
export function checkJsonContentType(req: IncomingMessage): void {
  const header = req.headers['content-type']
  if (header === undefined || header.trim() === '') throw new HttpError(415, 'Content-Type is missing; send application/json')
  const [type = '', ...params] = header.split(';').map(part => part.trim().toLowerCase())
  if (type !== 'application/json') throw new HttpError(415, `Content-Type ${JSON.stringify(type.slice(0, 80))} is not accepted; send application/json`)
  for (const param of params) {
    const [name, value = ''] = param.split('=').map(s => s.trim())
    if (name === 'charset' && value.replace(/"/g, '') !== 'utf-8') {
      throw new HttpError(415, `charset ${JSON.stringify(value.slice(0, 40))} is not accepted; send utf-8`)
    }
  }
}

/** True when the request announces a body (a non-zero Content-Length, or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true
  const length = req.headers['content-length']
  return length !== undefined && Number(length) > 0
}

/** Reads the whole body, or throws 413 as soon as it passes `limit` bytes. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > limit) return Promise.reject(tooLarge(limit))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const cleanup = () => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('close', onClose)
      req.off('error', onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        cleanup()
        req.pause()
        reject(tooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      cleanup()
      resolve(Buffer.concat(chunks, size))
    }
    const onClose = () => {
      cleanup()
      reject(new ClientGoneError())
    }
    const onError = () => onClose()
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('close', onClose)
    req.on('error', onError)
  })
}

/** The client went away before its body was complete: there is nobody to answer. */
export class ClientGoneError extends Error {
  constructor() {
    super('client closed the connection before the request body was complete')
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `the request body is larger than ${limit / 1024} KiB`)
}

const UTF8 = new TextDecoder('utf-8', { fatal: true })

/** Parses a body as UTF-8 JSON; 400 with the reason otherwise. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw new HttpError(400, 'the request body is empty; send a JSON object')
  let text: string
  try {
    text = UTF8.decode(body)
  } catch {
    throw new HttpError(400, 'the request body is not valid UTF-8')
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new HttpError(400, `the request body is not valid JSON (${(error as Error).message.slice(0, 120)})`)
  }
}
