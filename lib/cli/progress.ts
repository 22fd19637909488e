/** A progress printer that also keeps what it printed, so the run's log can go beside its reports. */
export interface Progress {
  (line: string): void;
  readonly lines: string[];
}

/** Progress lines on stderr with the time since the command started, so long steps show life. */
export function progressPrinter(): Progress {
  const started = Date.now();
  const lines: string[] = [];
  const print = (line: string) => {
    const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
    const stamped = `[${seconds}s] ${line}`;
    lines.push(stamped);
    process.stderr.write(`${stamped}\n`);
  };
  return Object.assign(print, { lines });
}
