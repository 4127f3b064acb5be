/**
 * Output lines: split a child's output stream into lines in linear time, strip ANSI escapes, cap each line's length.
 * Responsibilities: a splitter fed chunks (a single 64 MB line costs one pass and at most `parseCap` bytes of memory),
 * the kept tail of lines (for logs and local files), the last bytes of the raw stream.
 * Not here: what the lines mean (agents/cost-meter.ts, agents/agent-outcome.ts), the process (task-process.ts).
 * Invariants: memory is bounded by `parseCap` + `tailLines` × `lineCap` + `rawTail`, whatever the input.
 */

// CSI (ESC [ … final), OSC (ESC ] … BEL or ESC \), and two-byte escapes.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.includes("\u001b") ? text.replace(ANSI, "") : text;
}

/** Cut a line to `cap` characters, saying how much was cut. */
export function capLine(line: string, cap: number): string {
  return line.length <= cap ? line : `${line.slice(0, cap)} … [${line.length - cap} more characters]`;
}

export interface LineSplitterOptions {
  /** Longest line handed whole to `onLine`; longer ones arrive cut to this length with `truncated`. */
  parseCap: number;
  onLine(line: string, truncated: boolean): void;
}

export interface LineSplitter {
  push(text: string): void;
  /** Hand over the last line when it had no newline. */
  end(): void;
}

export function createLineSplitter(options: LineSplitterOptions): LineSplitter {
  let parts: string[] = [];
  let kept = 0;
  let truncated = false;
  const emit = (): void => {
    const line = parts.join("");
    parts = [];
    kept = 0;
    const cut = truncated;
    truncated = false;
    options.onLine(stripAnsi(line.endsWith("\r") ? line.slice(0, -1) : line), cut);
  };
  const keep = (piece: string): void => {
    if (truncated || piece.length === 0) return;
    const room = options.parseCap - kept;
    if (piece.length > room) {
      parts.push(piece.slice(0, room));
      kept = options.parseCap;
      truncated = true;
    } else {
      parts.push(piece);
      kept += piece.length;
    }
  };
  return {
    push(text) {
      let start = 0;
      for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
        keep(text.slice(start, nl));
        emit();
        start = nl + 1;
      }
      keep(text.slice(start));
    },
    end() {
      if (kept > 0 || truncated) emit();
    },
  };
}

/** The last `max` items pushed, in a ring (no array shifting). */
export function createTail<T>(max: number): { push(item: T): void; items(): T[] } {
  const ring: T[] = [];
  let next = 0;
  return {
    push(item) {
      if (ring.length < max) ring.push(item);
      else ring[next] = item;
      next = (next + 1) % max;
    },
    items: () => (ring.length < max ? [...ring] : [...ring.slice(next), ...ring.slice(0, next)]),
  };
}

/** The last `max` characters of a stream. */
export function createTextTail(max: number): { push(text: string): void; text(): string } {
  let parts: string[] = [];
  let length = 0;
  return {
    push(text) {
      parts.push(text);
      length += text.length;
      if (length > 2 * max) {
        const joined = parts.join("");
        parts = [joined.slice(-max)];
        length = parts[0]!.length;
      }
    },
    text() {
      const joined = parts.join("");
      return joined.length > max ? joined.slice(-max) : joined;
    },
  };
}
