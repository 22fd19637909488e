import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExitCode, UserError } from '../errors.js';
import { SCENARIOS, selectScenarios } from './registry.js';

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

describe('the scenario registry', () => {
  it('names each scenario once', () => {
    const names = SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    '%s has its manifest, its recorded fixture and its test',
    async (name, scenario) => {
      await access(repo(scenario.manifest));
      await access(repo(`fixtures/${name}.json`));
      await access(repo(`lib/scenarios/${scenario.suite}/${name}.test.ts`));
    },
  );

  it('selects by suite and by name', () => {
    expect(selectScenarios().map((s) => s.name)).toEqual(SCENARIOS.map((s) => s.name));
    expect(selectScenarios({ suite: 'seed' }).every((s) => s.suite === 'seed')).toBe(true);
    expect(selectScenarios({ only: ['order,exit'] }).map((s) => s.name)).toEqual(['order', 'exit']);
  });

  it.each([
    [{ only: ['nope'] }, /^--only nope is not a scenario; scenarios: basic, /],
    [{ suite: 'everything' }, /^--suite everything is not known; suites: seed, upstream, all\.$/],
  ])('refuses %j as a usage error', (options, message) => {
    let error: unknown;
    try {
      selectScenarios(options);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(ExitCode.usage);
    expect((error as UserError).message).toMatch(message);
  });
});
