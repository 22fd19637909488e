import { describe, expect, it } from 'vitest';
import { podShape } from './pod-shape.js';

describe('podShape', () => {
  it('separates sidecars, plain init containers and apps, in manifest order', () => {
    const shape = podShape({
      metadata: { name: 'p' },
      spec: {
        initContainers: [
          { name: 'setup', image: 'x' },
          { name: 'first-sidecar', image: 'x', restartPolicy: 'Always' },
          { name: 'second-sidecar', image: 'x', restartPolicy: 'Always' },
        ],
        containers: [
          { name: 'app', image: 'x' },
          { name: 'helper', image: 'x' },
        ],
      },
    });
    expect(shape).toEqual({
      name: 'p',
      restartPolicy: 'Always',
      sidecars: ['first-sidecar', 'second-sidecar'],
      initContainers: ['setup'],
      apps: ['app', 'helper'],
    });
  });

  it('keeps the restart policy the Pod names', () => {
    expect(podShape({ spec: { restartPolicy: 'Never', containers: [] } }).restartPolicy).toBe('Never');
  });
});
