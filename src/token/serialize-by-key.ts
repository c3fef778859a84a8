const tails = new Map<string, Promise<void>>();

/**
 * Runs `task` after every earlier task queued under the same key has settled. Keyed by file path,
 * it keeps two TokenStore objects in one process from interleaving read-modify-write cycles.
 */
export function serializeByKey<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(task);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}
