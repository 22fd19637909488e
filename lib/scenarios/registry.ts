import { usageError } from '../errors.js';
import type { Scenario, Suite } from './scenario.js';
import { basic } from './seed/basic.js';
import { exit } from './seed/exit.js';
import { liveness } from './seed/liveness.js';
import { order } from './seed/order.js';
import { readiness } from './seed/readiness.js';
import { initAfterSidecarFailsNever } from './upstream/init-after-sidecar-fails-never.js';
import { initBeforeSidecarFailsNever } from './upstream/init-before-sidecar-fails-never.js';
import { mixedInitSidecarOrder } from './upstream/mixed-init-sidecar-order.js';
import { reverseOrderTermination } from './upstream/reverse-order-termination.js';
import { sidecarExitAlwaysRestartedAlways } from './upstream/sidecar-exit-always-restarted-always.js';
import { sidecarExitAlwaysRestartedNever } from './upstream/sidecar-exit-always-restarted-never.js';
import { sidecarNonzeroExitPodSucceeds } from './upstream/sidecar-nonzero-exit-pod-succeeds.js';
import { sidecarPrestopFailStillCompleted } from './upstream/sidecar-prestop-fail-still-completed.js';
import { sidecarRunningNotRestartedAlways } from './upstream/sidecar-running-not-restarted-always.js';
import { sidecarRunningNotRestartedNever } from './upstream/sidecar-running-not-restarted-never.js';
import { startupProbeGatesNext } from './upstream/startup-probe-gates-next.js';
import { startupFailPrestopBlocks } from './upstream/startup-fail-prestop-blocks.js';
import { startupRecoversUnderNever } from './upstream/startup-recovers-under-never.js';
import { livenessFailPrestopNextRuns } from './upstream/liveness-fail-prestop-next-runs.js';
import { prestopNeverExits } from './upstream/prestop-never-exits.js';
import { sidecarPrestopsSimultaneous } from './upstream/sidecar-prestops-simultaneous.js';
import { deleteDuringInitFast } from './upstream/delete-during-init-fast.js';
import { nonStartedSidecarTermination } from './upstream/non-started-sidecar-termination.js';
import { appExceedsGracePodFailed } from './upstream/app-exceeds-grace-pod-failed.js';
import { sidecarExceedsGracePodSucceeds } from './upstream/sidecar-exceeds-grace-pod-succeeds.js';
import { appPrestopExceedsGraceFailed } from './upstream/app-prestop-exceeds-grace-failed.js';
import { sidecarPrestopExceedsGraceSucceeds } from './upstream/sidecar-prestop-exceeds-grace-succeeds.js';
import { sidecarStartupFailRestarts } from './upstream/sidecar-startup-fail-restarts.js';
import { sidecarStartupGatesLiveness } from './upstream/sidecar-startup-gates-liveness.js';
import { sidecarReadyAfterStartup } from './upstream/sidecar-ready-after-startup.js';
import { sidecarProbeLevelGrace } from './upstream/sidecar-probe-level-grace.js';
import { sidecarUnreadyOnTermination } from './upstream/sidecar-unready-on-termination.js';
import { sidecarLivenessOffOnTermination } from './upstream/sidecar-liveness-off-on-termination.js';
import { sidecarBadImageBlocks } from './upstream/sidecar-bad-image-blocks.js';
import { noProbeRestartInAppPrestop } from './upstream/no-probe-restart-in-app-prestop.js';
import { imageChangeRunningSidecar } from './upstream/image-change-running-sidecar.js';
import { imageChangeDuringInit } from './upstream/image-change-during-init.js';
import { imageChangeAfterLivenessFail } from './upstream/image-change-after-liveness-fail.js';
import { imageChangeAfterStartupFail } from './upstream/image-change-after-startup-fail.js';
import { imageChangeDuringTermination } from './upstream/image-change-during-termination.js';
import { sidecarInplaceResizeCpu } from './upstream/sidecar-inplace-resize-cpu.js';
import { sidecarInplaceResizeMemoryRestart } from './upstream/sidecar-inplace-resize-memory-restart.js';
import { sidecarReadinessInitialDelay } from './upstream/sidecar-readiness-initial-delay.js';
import { sidecarReadinessFailing } from './upstream/sidecar-readiness-failing.js';
import { sidecarLivenessFailRestarts } from './upstream/sidecar-liveness-fail-restarts.js';
import { sidecarLivenessPassNoRestart } from './upstream/sidecar-liveness-pass-no-restart.js';
import { sidecarLivenessMonotonic } from './upstream/sidecar-liveness-monotonic.js';
import { sidecarPoststartHook } from './upstream/sidecar-poststart-hook.js';
import { sidecarPrestopHook } from './upstream/sidecar-prestop-hook.js';
import { restartAllOnAppExit } from './upstream/restart-all-on-app-exit.js';
import { restartAllOnSidecarExit } from './upstream/restart-all-on-sidecar-exit.js';
import { restartAllOnInitExit } from './upstream/restart-all-on-init-exit.js';
import { nodeRebootReinitOrder } from './upstream/node-reboot-reinit-order.js';
import { updateDuringNodeReboot } from './upstream/update-during-node-reboot.js';
import { updateDuringKubeletRestart } from './upstream/update-during-kubelet-restart.js';
import { kubeletRestartKeepsSidecarStatus } from './upstream/kubelet-restart-keeps-sidecar-status.js';

/**
 * Every scenario the harness knows, in the order reports show them. Help, the README's table,
 * reports and tests take the list from here: a new scenario is its file, its manifest, its fixture
 * and its test, plus one line below.
 */
export const SCENARIOS: readonly Scenario[] = [
  basic,
  order,
  exit,
  liveness,
  readiness,
  mixedInitSidecarOrder,
  sidecarRunningNotRestartedNever,
  sidecarRunningNotRestartedAlways,
  sidecarExitAlwaysRestartedNever,
  sidecarExitAlwaysRestartedAlways,
  initBeforeSidecarFailsNever,
  initAfterSidecarFailsNever,
  reverseOrderTermination,
  sidecarNonzeroExitPodSucceeds,
  sidecarPrestopFailStillCompleted,
  startupProbeGatesNext,
  startupFailPrestopBlocks,
  startupRecoversUnderNever,
  livenessFailPrestopNextRuns,
  prestopNeverExits,
  sidecarPrestopsSimultaneous,
  deleteDuringInitFast,
  nonStartedSidecarTermination,
  appExceedsGracePodFailed,
  sidecarExceedsGracePodSucceeds,
  appPrestopExceedsGraceFailed,
  sidecarPrestopExceedsGraceSucceeds,
  sidecarStartupFailRestarts,
  sidecarStartupGatesLiveness,
  sidecarReadyAfterStartup,
  sidecarProbeLevelGrace,
  sidecarUnreadyOnTermination,
  sidecarLivenessOffOnTermination,
  sidecarBadImageBlocks,
  noProbeRestartInAppPrestop,
  imageChangeRunningSidecar,
  imageChangeDuringInit,
  imageChangeAfterStartupFail,
  imageChangeAfterLivenessFail,
  imageChangeDuringTermination,
  sidecarInplaceResizeCpu,
  sidecarInplaceResizeMemoryRestart,
  sidecarReadinessInitialDelay,
  sidecarReadinessFailing,
  sidecarLivenessFailRestarts,
  sidecarLivenessPassNoRestart,
  sidecarLivenessMonotonic,
  sidecarPoststartHook,
  sidecarPrestopHook,
  restartAllOnAppExit,
  restartAllOnSidecarExit,
  restartAllOnInitExit,
  nodeRebootReinitOrder,
  updateDuringNodeReboot,
  updateDuringKubeletRestart,
  kubeletRestartKeepsSidecarStatus,
];

export const SUITES: readonly Exclude<Suite, 'check'>[] = ['seed', 'upstream'];

/** The scenarios of `--suite` (default all), narrowed by `--only`. */
export function selectScenarios(options: { suite?: string; only?: string[] } = {}): Scenario[] {
  const suite = options.suite ?? 'all';
  if (suite !== 'all' && !SUITES.includes(suite as (typeof SUITES)[number])) {
    throw usageError(`--suite ${suite} is not known; suites: ${[...SUITES, 'all'].join(', ')}.`);
  }
  const inSuite = SCENARIOS.filter((s) => suite === 'all' || s.suite === suite);
  const names = (options.only ?? []).flatMap((o) => o.split(',')).filter(Boolean);
  if (!names.length) return inSuite;
  const known = new Map(SCENARIOS.map((s) => [s.name, s]));
  return names.map((name) => {
    const scenario = known.get(name);
    if (!scenario) {
      throw usageError(
        `--only ${name} is not a scenario; scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}.`,
      );
    }
    return scenario;
  });
}
