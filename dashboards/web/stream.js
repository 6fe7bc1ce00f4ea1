// The live stream of shifts (GET /v1/stream/shifts), read with fetch() rather than EventSource:
// EventSource cannot send an Authorization header, and the key must not go into a URL. So this
// module parses server-sent events itself and reconnects by itself, with Last-Event-ID, as
// EventSource would.

import { authHeaders, AuthError } from './api.js';

/**
 * Parses the text/event-stream format (the HTML standard's rules): lines end with CRLF, LF or CR,
 * which may be split across chunks; "data" lines join with "\n"; "id" and "retry" are remembered;
 * comment lines (":") are skipped; a blank line dispatches the event, if it has data.
 */
export class SseParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = '';
    this.data = [];
    this.type = '';
    this.lastEventId = '';
    this.retry = null;
  }

  push(text) {
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      if (c === '\r' && i + 1 === this.buffer.length) break; // a CR at the end may be the start of CRLF
      this.line(this.buffer.slice(start, i));
      if (c === '\r' && this.buffer[i + 1] === '\n') i++;
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  line(line) {
    if (line === '') {
      if (this.data.length) this.onEvent({ type: this.type || 'message', data: this.data.join('\n'), id: this.lastEventId });
      this.data = [];
      this.type = '';
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.type = value;
    else if (field === 'id' && !value.includes('\0')) this.lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }
}

/**
 * Keeps a stream open until close(): calls onShift(send) for each shift, onState('live' |
 * 'reconnecting' | 'closed') as the connection changes, and onAuth(error) once if the key is refused
 * (then stops). After a drop it waits (the server's "retry", at most 30 s, longer after repeated
 * failures) and resumes with the id of the last event it had, so that the server replays what was
 * missed.
 */
export function openShiftStream({ key, onShift, onState, onAuth, path = '/v1/stream/shifts' }) {
  let lastEventId = '';
  let retryMs = 3000;
  let failures = 0;
  let closed = false;
  let controller = null;
  let timer = null;

  async function connect() {
    timer = null; // no longer waiting: a nudge now must not open a second stream
    if (closed) return;
    controller = new AbortController();
    const headers = authHeaders(key);
    headers.Accept = 'text/event-stream';
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    try {
      const response = await fetch(path, { headers, signal: controller.signal, cache: 'no-store' });
      if (response.status === 401 || response.status === 403) {
        closed = true;
        onState('closed');
        onAuth(new AuthError(response.status, 'the live stream refused the key'));
        return;
      }
      if (!response.ok || !response.body) throw new Error('HTTP ' + response.status);
      failures = 0;
      onState('live');
      const parser = new SseParser(event => {
        if (event.type === 'shift') {
          try {
            onShift(JSON.parse(event.data));
          } catch (e) {
            console.warn('a shift that is not JSON was skipped', e);
          }
        }
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(value);
        lastEventId = parser.lastEventId || lastEventId;
        if (parser.retry != null) retryMs = parser.retry;
      }
    } catch (e) {
      if (closed) return;
    }
    if (closed) return;
    failures++;
    onState('reconnecting');
    const wait = Math.min(30000, retryMs * Math.min(failures, 6));
    timer = setTimeout(connect, wait);
  }

  connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      if (controller) controller.abort();
    },
    /** Reconnects now instead of after the wait (the user pressed Refresh). */
    nudge() {
      if (!closed && timer) {
        clearTimeout(timer);
        timer = null;
        connect();
      }
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}
