// A real HTTP server on 127.0.0.1 with the API's limits, and requests written byte for byte on a
// raw socket: for testing one request helper (a guard, the body reader, a responder) with headers
// no HTTP client would send (no Host, 70 headers, a hostile Origin).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { SERVER_LIMITS } from '../../src/http/http-api.js'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

interface TeardownTarget {
  teardown(fn: () => void | Promise<void>): void
}

/** Starts a server that hands every request to `handle`; closed when the test ends. */
export async function helperServer(t: TeardownTarget, handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>): Promise<number> {
  const server = createServer({ requireHostHeader: false, maxHeaderSize: SERVER_LIMITS.maxHeaderBytes })
  server.maxHeadersCount = SERVER_LIMITS.maxHeadersCount
  server.on('request', (req, res) => void Promise.resolve(handle(req, res)).catch(error => res.destroy(error as Error)))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>(resolve => server.close(() => resolve())))
  return (server.address() as AddressInfo).port
}

/**
 * Sends `head` (request line and headers) and `body` as written; resolves when a response with a
 * Content-Length is complete (a kept-alive connection is then closed) or when the server closes.
 */
export function rawRequest(port: number, head: string[], body: string | Buffer = '', { end = true } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let done = false
    const finish = () => {
      if (done) return
      done = true
      socket.destroy()
      resolve(parseResponse(Buffer.concat(chunks).toString('utf8')))
    }
    socket.on('data', chunk => {
      chunks.push(chunk)
      if (isComplete(Buffer.concat(chunks))) finish()
    })
    socket.on('error', error => (done ? undefined : reject(error)))
    socket.on('close', finish)
    socket.write([...head, '', ''].join('\r\n'))
    // Left open, the request looks like one whose body is still on its way.
    if (end) socket.end(body)
    else socket.write(body)
  })
}

function isComplete(response: Buffer): boolean {
  const split = response.indexOf('\r\n\r\n')
  if (split < 0) return false
  const length = /\r\ncontent-length: *(\d+)/i.exec(response.subarray(0, split).toString('latin1'))
  return length !== null && response.length - split - 4 >= Number(length[1])
}

function parseResponse(text: string): RawResponse {
  const split = text.indexOf('\r\n\r\n')
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(split + 4) }
}
