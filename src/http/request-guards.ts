// Who may talk to the API. The server listens on 127.0.0.1 only, but a web page can still reach
// it through the user's browser: a DNS-rebinding page sends its own name in `Host`, a cross-site
// page sends its `Origin`. Both are refused. Mutating requests also need the bearer token, compared
// in constant time.
import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { HttpError, shown } from './respond.js'

const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i
const LOOPBACK_ORIGIN = /^https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i

export function isLoopbackHost(host: string | undefined): boolean {
  return typeof host === 'string' && LOOPBACK_HOST.test(host)
}

/** Headers a request may have; the server is told to keep one more, so that "too many" shows. */
export const MAX_REQUEST_HEADERS = 64

/**
 * Throws 431 for more than MAX_REQUEST_HEADERS headers: Node keeps only the first
 * `maxHeadersCount` and drops the rest silently, so an `Origin` sent after them would never be
 * checked. The server keeps one more than the limit; a request that has it is refused whole.
 */
export function checkHeaderCount(req: IncomingMessage): void {
  if (req.rawHeaders.length / 2 > MAX_REQUEST_HEADERS) {
    throw new HttpError(431, `the request has more than ${MAX_REQUEST_HEADERS} headers`)
  }
}

/** Throws 403 unless `Host` names the loopback interface and `Origin`, when sent, does too (431: too many headers to tell). */
export function checkLoopback(req: IncomingMessage): void {
  checkHeaderCount(req)
  const host = req.headers.host
  if (host === undefined || host === '') {
    throw new HttpError(403, 'the Host header is missing; only 127.0.0.1, localhost and [::1] are accepted')
  }
  if (!isLoopbackHost(host)) {
    throw new HttpError(403, `Host ${shown(host)} is not a loopback name; only 127.0.0.1, localhost and [::1] are accepted`)
  }
  const origin = req.headers.origin
  if (origin !== undefined && !LOOPBACK_ORIGIN.test(origin)) {
    throw new HttpError(403, `Origin ${shown(origin)} is not allowed; the API does not serve web pages`)
  }
}

/** Throws 401 without `Authorization: Bearer <token>`, 403 with another token. */
export function checkBearer(req: IncomingMessage, token: string): void {
  const header = req.headers.authorization
  const challenge = { 'WWW-Authenticate': 'Bearer realm="session-retry"' }
  if (header === undefined) throw new HttpError(401, 'this request needs Authorization: Bearer <token> (the token is in the api-token file in the home folder)', challenge)
  const match = /^Bearer +(\S+) *$/i.exec(header)
  if (!match) throw new HttpError(401, 'the Authorization header must be "Bearer <token>"', challenge)
  if (!tokenMatches(match[1]!, token)) throw new HttpError(403, 'the bearer token is not the one in the api-token file')
}

/** Constant-time comparison; unequal lengths still cost one comparison. */
export function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8')
  const b = Buffer.from(expected, 'utf8')
  if (a.length !== b.length) {
    timingSafeEqual(b, b)
    return false
  }
  return timingSafeEqual(a, b)
}
