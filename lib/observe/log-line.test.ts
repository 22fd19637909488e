import { describe, expect, it } from 'vitest';
import { parseTimeNs } from '../timeline/time.js';
import { LineSplitter, parseLogLine } from './log-line.js';

const SECOND = parseTimeNs('2025-07-13T23:47:31Z');

describe('parseLogLine', () => {
  it('keeps the nanoseconds of an RFC3339Nano timestamp and the text after it', () => {
    expect(parseLogLine('2025-07-13T23:47:31.060123456Z first-sidecar')).toEqual({
      time: '2025-07-13T23:47:31.060123456Z',
      ns: SECOND + 60_123_456n,
      text: 'first-sidecar',
    });
  });

  it('keeps trailing zeros and short fractions exact', () => {
    expect(parseLogLine('2025-07-13T23:47:31.100000000Z app')?.ns).toBe(SECOND + 100_000_000n);
    expect(parseLogLine('2025-07-13T23:47:31.5Z app')?.ns).toBe(SECOND + 500_000_000n);
  });

  it('keeps spaces inside the text', () => {
    expect(parseLogLine('2025-07-13T23:47:31.000000001Z  two  spaces ')?.text).toBe(' two  spaces ');
  });

  it('reads a timestamp with no text as an empty line', () => {
    expect(parseLogLine('2025-07-13T23:47:31.000000001Z')).toEqual({
      time: '2025-07-13T23:47:31.000000001Z',
      ns: SECOND + 1n,
      text: '',
    });
  });

  it('honours a zone offset', () => {
    expect(parseLogLine('2025-07-14T01:47:31.000000002+02:00 app')?.ns).toBe(SECOND + 2n);
  });

  it('gives undefined for a line without a timestamp', () => {
    expect(parseLogLine('app')).toBeUndefined();
    expect(parseLogLine('')).toBeUndefined();
    expect(parseLogLine(' 2025-07-13T23:47:31Z app')).toBeUndefined();
  });
});

describe('LineSplitter', () => {
  it('holds a partial line until its newline arrives in a later chunk', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('2025-07-13T23:47:31.1Z fir')).toEqual([]);
    expect(splitter.push('st-sidecar\n2025-07-13T23:47:34.2Z sec')).toEqual([
      '2025-07-13T23:47:31.1Z first-sidecar',
    ]);
    expect(splitter.push('ond-sidecar\n')).toEqual(['2025-07-13T23:47:34.2Z second-sidecar']);
    expect(splitter.flush()).toEqual([]);
  });

  it('gives every whole line of one chunk, in order', () => {
    expect(new LineSplitter().push('a\nb\nc\n')).toEqual(['a', 'b', 'c']);
  });

  it('strips CRLF, also when the CR and the LF arrive in different chunks', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('a\r\nb\r')).toEqual(['a']);
    expect(splitter.push('\nc\r\n')).toEqual(['b', 'c']);
  });

  it('drops empty lines', () => {
    expect(new LineSplitter().push('\n\na\n\r\n')).toEqual(['a']);
  });

  it('flushes a partial last line once, then nothing', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('a\nlast without newline')).toEqual(['a']);
    expect(splitter.flush()).toEqual(['last without newline']);
    expect(splitter.flush()).toEqual([]);
    expect(splitter.push('next\n')).toEqual(['next']);
  });

  it('flushes a partial last line ending in CR without the CR, like push does', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('a\r\nb\r')).toEqual(['a']);
    expect(splitter.flush()).toEqual(['b']);
  });
});
