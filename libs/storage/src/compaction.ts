// k8s parity: apiserver pkg/storage/etcd3/compact.go runCompactLoop. Every interval, compact to the
// revision observed one interval earlier, so at least one interval of history (5 min by default,
// what clients resuming watches and paging lists rely on) always survives.

/** kube-apiserver's default --etcd-compaction-interval. */
export const defaultCompactionIntervalMs = 5 * 60 * 1000;

/**
 * Runs `tick` every `intervalMs` (never when it is 0), threading its state through; a failed tick is
 * reported to `onError` and keeps the previous state, as compact.go does. Returns a stop function.
 */
export function startCompactionLoop<S>(
  intervalMs: number,
  initial: S,
  tick: (state: S) => Promise<S>,
  onError: (e: unknown) => void = () => undefined,
): () => void {
  if (intervalMs <= 0) return () => undefined;
  let state = initial;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      tick(state)
        .then((next) => {
          state = next;
        })
        .catch(onError)
        .finally(() => {
          if (!stopped) schedule();
        });
    }, intervalMs);
    // Compaction alone must not keep a process alive.
    timer.unref();
  };
  schedule();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
