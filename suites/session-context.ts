import type { ClusterInfo, ImageChoice } from '../lib/run/result.js';

/** What globalSetup hands the live suites (vitest `provide`/`inject` needs plain JSON). */
export interface LiveSession {
  runId: string;
  kubeconfigPath: string;
  context?: string;
  cluster: ClusterInfo;
  image: ImageChoice;
}

declare module 'vitest' {
  export interface ProvidedContext {
    liveSession: LiveSession;
  }
}
