import { parseTimeNs } from '../timeline/time.js';

export interface LogLine {
  time: string;
  ns: bigint;
  text: string;
}

/** Splits a `timestamps=true` log line: `2025-07-13T23:47:31.060123456Z app`. */
export function parseLogLine(line: string): LogLine | undefined {
  const space = line.indexOf(' ');
  const time = space > 0 ? line.slice(0, space) : line;
  try {
    return { time, ns: parseTimeNs(time), text: space > 0 ? line.slice(space + 1) : '' };
  } catch {
    return undefined;
  }
}

/** Turns a byte stream into whole lines, keeping a partial last line until its newline arrives. */
export class LineSplitter {
  private rest = '';
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.length > 0);
  }
  flush(): string[] {
    const last = this.rest.replace(/\r$/, '');
    this.rest = '';
    return last ? [last] : [];
  }
}
