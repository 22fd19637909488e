/** Progress lines on stderr with the time since the command started, so long steps show life. */
export function progressPrinter(): (line: string) => void {
  const started = Date.now();
  return (line) => {
    const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
    process.stderr.write(`[${seconds}s] ${line}\n`);
  };
}
