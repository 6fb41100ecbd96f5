/**
 * Read-your-writes for web analytics: every answer first waits for the rollup worker to count the
 * hits it holds for the workspace (analytics/rollup-worker.ts `settle`), so that a dashboard or an
 * API client sees every event acknowledged before its request. Cheap when nothing waits.
 */
export interface RollupSettle {
  settle(workspaceId: string): Promise<void>;
}

type WorkspaceMethods<S> = { [K in keyof S]: S[K] extends (workspaceId: string, ...rest: infer A) => Promise<infer R> ? (workspaceId: string, ...rest: A) => Promise<R> : S[K] };

/** The service with each method (whose first argument is the workspace) settling the rollups first; the service itself without `rollups`. */
export function settledFirst<S extends object>(service: S, rollups: RollupSettle | undefined): S {
  if (!rollups) return service;
  const wrapped: Record<string, unknown> = {};
  for (const key of Object.keys(service) as Array<keyof S & string>) {
    const method = service[key];
    wrapped[key] = typeof method === 'function'
      ? async (workspaceId: string, ...rest: unknown[]) => { await rollups.settle(workspaceId); return (method as (...args: unknown[]) => unknown).call(service, workspaceId, ...rest); }
      : method;
  }
  return wrapped as WorkspaceMethods<S> as S;
}
