import { describe, expect, it } from 'vitest';
import { parseFeatureMetrics } from './features.js';

describe('parseFeatureMetrics', () => {
  it('reads kubernetes_feature_enabled gauges, on and off, and nothing else', () => {
    const text = [
      '# HELP kubernetes_feature_enabled [BETA] This metric records the data about the stage and enablement of a k8s feature.',
      '# TYPE kubernetes_feature_enabled gauge',
      'kubernetes_feature_enabled{name="ContainerRestartRules",stage="BETA"} 1',
      'kubernetes_feature_enabled{name="InPlacePodVerticalScalingExclusiveCPUs",stage="ALPHA"} 0',
      'kubernetes_feature_enabled{stage="",name="InPlacePodVerticalScaling"} 1',
      'apiserver_request_total{code="200"} 5',
    ].join('\n');
    expect([...parseFeatureMetrics(text)]).toEqual([
      ['ContainerRestartRules', true],
      ['InPlacePodVerticalScalingExclusiveCPUs', false],
      ['InPlacePodVerticalScaling', true],
    ]);
    expect(parseFeatureMetrics('').size).toBe(0);
  });
});
