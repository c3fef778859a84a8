import { ApiClient } from '../api/index.js';
import type { SitePaths } from '../config/index.js';

/** Tells a running router to re-read its files; returns whether one was running to tell. */
export async function noticeRouter(paths: SitePaths): Promise<boolean> {
  const client = new ApiClient(paths);
  if ((await client.runtime()) === undefined) return false;
  await client.reload();
  return true;
}
