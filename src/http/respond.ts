// Every answer the API gives is JSON (or the metrics text, the dashboard's files, its event
// stream), never cached, and every error is `{ error: '<clear message>' }`. Handlers throw
// `HttpError`; the server turns it into an answer.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { STATUS_CODES } from 'node:http'

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

/** An expected failure of a request: a 4xx status and a message for the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

export const BASE_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
}

export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(req, res, status, JSON.stringify(body) + '\n', { 'Content-Type': JSON_CONTENT_TYPE, ...headers })
}

export function sendError(req: IncomingMessage, res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(req, res, status, { error: message }, headers)
}

export function sendText(req: IncomingMessage, res: ServerResponse, status: number, text: string, headers: Record<string, string>): void {
  sendBody(req, res, status, Buffer.from(text, 'utf8'), headers)
}

export function sendBody(req: IncomingMessage, res: ServerResponse, status: number, body: Buffer, headers: Record<string, string>): void {
  // A request body we did not read (refused before reading, or cut at the size limit) must not
  // be drained on a kept-alive connection: close it once this answer is out.
  // `complete` is set only once Node has seen the request's end, which for a bodiless request may
  // be after a route that answers at once: one that announced no body has nothing left unread.
  const announced = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0
  const unread = announced && !req.complete
  res.writeHead(status, {
    ...BASE_HEADERS,
    ...headers,
    'Content-Length': String(body.length),
    ...(unread ? { Connection: 'close' } : {}),
  })
  res.end(body)
}

/** A whole HTTP/1.1 response for a socket that has no request object (clientError, upgrade, CONNECT). */
export function rawJsonResponse(status: number, message: string): string {
  const body = JSON.stringify({ error: message }) + '\n'
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    `Content-Type: ${JSON_CONTENT_TYPE}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    'Connection: close',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n')
}

/** Shortens a caller-supplied value before it goes into an error message. */
export function shown(value: string, max = 80): string {
  return JSON.stringify(value.length > max ? value.slice(0, max) + '…' : value)
}
