import { access } from 'node:fs/promises';

/** Whether a path exists (any type); never throws. */
export const pathExists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );
