import { readFile } from 'node:fs/promises';
import { describeError, ExitCode, usageError } from '../errors.js';
import { DEFAULT_BAND, describeDiff, diffReports, type NoiseBand } from '../report/diff.js';
import type { JsonReport } from '../report/json.js';
import { parseFlags } from './flags.js';

async function loadReport(path: string): Promise<JsonReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw usageError(`Cannot read report ${path}: ${describeError(error)}.`);
  }
  let report: JsonReport;
  try {
    report = JSON.parse(text) as JsonReport;
  } catch {
    throw usageError(`${path} is not JSON; give two report.json files written by run or check.`);
  }
  if (!Array.isArray(report?.scenarios) || typeof report.schemaVersion !== 'number')
    throw usageError(`${path} is not a sidecar-conformance report.json (no schemaVersion and scenarios).`);
  return report;
}

function number(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > max)
    throw usageError(`--${flag} ${value} is not a number from 0 to ${max}.`);
  return n;
}

/** `diff A/report.json B/report.json`: what changed from A to B; exit 1 on a regression. */
export async function diffCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags('diff', args, {
    'band-ms': { type: 'string' },
    'band-share': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 2)
    throw usageError('diff takes two report.json files: sidecar-conformance diff BEFORE AFTER.');
  const band: NoiseBand = {
    ...DEFAULT_BAND,
    floorMs: number('band-ms', values['band-ms'], DEFAULT_BAND.floorMs, 600_000),
    share: number('band-share', values['band-share'], DEFAULT_BAND.share, 10),
  };
  const [a, b] = await Promise.all(positionals.map(loadReport));
  const diff = diffReports(a as JsonReport, b as JsonReport, band);
  process.stdout.write(values.json ? `${JSON.stringify(diff, null, 2)}\n` : `${describeDiff(diff)}\n`);
  return diff.regressions > 0 ? ExitCode.scenarioFailed : ExitCode.ok;
}
