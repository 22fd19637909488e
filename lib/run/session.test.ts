import { describe, expect, it } from 'vitest';
import { REFERENCE_IMAGE, TEST_IMAGE } from '../config.js';
import { ExitCode, UserError } from '../errors.js';
import { fileURLToPath } from 'node:url';
import { SCENARIOS } from '../scenarios/registry.js';
import { usesLocalImages } from './local-images.js';
import { chooseImage, newRunId } from './session.js';

describe('usesLocalImages', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const seed = SCENARIOS.filter((s) => s.suite === 'seed');
  const upstream = SCENARIOS.filter((s) => s.suite === 'upstream');

  it('is true when the Pods run the local test image, or a manifest names a local image (the upstream suite)', () => {
    expect(usesLocalImages(seed, chooseImage(undefined, 'kind'), root)).toBe(true);
    expect(usesLocalImages(upstream, chooseImage('reference', 'kind'), root)).toBe(true);
  });

  it('is false for the seed suite run with the images as written', () => {
    expect(usesLocalImages(seed, chooseImage('reference', 'kind'), root)).toBe(false);
  });
});

describe('newRunId', () => {
  it('is the UTC time to the second and four hex digits', () => {
    const id = newRunId(new Date('2025-07-13T23:47:31.060Z'));
    expect(id).toMatch(/^20250713-234731-[0-9a-f]{4}$/);
  });

  it('differs between two runs started in the same second', () => {
    const now = new Date('2025-07-13T23:47:31Z');
    const ids = new Set(Array.from({ length: 20 }, () => newRunId(now)));
    expect(ids.size).toBeGreaterThan(1);
  });

  it('is usable in a namespace name (lower case, digits and -)', () => {
    expect(newRunId()).toMatch(/^[a-z0-9-]+$/);
  });
});

describe('chooseImage', () => {
  it('defaults to the local test image on the local provider, substituted', () => {
    expect(chooseImage(undefined, 'local')).toEqual({
      reference: REFERENCE_IMAGE,
      used: TEST_IMAGE,
      substituted: true,
    });
  });

  it('defaults to the local test image on the kind provider too (its node gets it loaded)', () => {
    expect(chooseImage(undefined, 'kind').used).toBe(TEST_IMAGE);
  });

  it('defaults to the reference image elsewhere, as written', () => {
    expect(chooseImage(undefined, 'kubeconfig')).toEqual({
      reference: REFERENCE_IMAGE,
      used: REFERENCE_IMAGE,
      substituted: false,
    });
  });

  it('takes local and reference by name on any provider', () => {
    expect(chooseImage('local', 'kubeconfig').used).toBe(TEST_IMAGE);
    expect(chooseImage('reference', 'local')).toEqual({
      reference: REFERENCE_IMAGE,
      used: REFERENCE_IMAGE,
      substituted: false,
    });
  });

  it('takes any image reference, substituted unless it is the reference image', () => {
    expect(chooseImage('registry.example.com:5000/tools/netshoot@sha256:abc', 'kubeconfig')).toEqual({
      reference: REFERENCE_IMAGE,
      used: 'registry.example.com:5000/tools/netshoot@sha256:abc',
      substituted: true,
    });
    expect(chooseImage(REFERENCE_IMAGE, 'local').substituted).toBe(false);
  });

  it('rejects what is not an image reference as a usage error', () => {
    for (const bad of ['', ' busybox', 'busy box', '-busybox', 'busybox;rm']) {
      let error: unknown;
      try {
        chooseImage(bad, 'local');
      } catch (caught) {
        error = caught;
      }
      expect(error, JSON.stringify(bad)).toBeInstanceOf(UserError);
      expect((error as UserError).exitCode).toBe(ExitCode.usage);
      expect((error as UserError).message).toBe(
        `--image ${bad} is not local, reference or an image reference.`,
      );
    }
  });
});
