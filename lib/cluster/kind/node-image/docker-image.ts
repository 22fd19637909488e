import { execa } from 'execa';
import { ExitCode, UserError } from '../../../errors.js';

/** The docker side of a node image: is a daemon there, which image and label a tag has, import. */

export async function requireDocker(): Promise<void> {
  const info = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false });
  if (info.exitCode !== 0)
    throw new UserError(
      'No docker daemon answers (`docker info` failed); run `sidecar-conformance setup --kind` as root first, it starts one.',
      ExitCode.missingDependency,
    );
}

export async function dockerImageId(image: string): Promise<string | undefined> {
  const result = await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { reject: false });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

export async function dockerLabel(image: string, label: string): Promise<string | undefined> {
  const result = await execa(
    'docker',
    ['image', 'inspect', '--format', `{{index .Config.Labels "${label}"}}`, image],
    { reject: false },
  );
  return result.exitCode === 0 ? result.stdout.trim() || undefined : undefined;
}

/**
 * `docker import` of the rootfs tar, then a one-line `docker build` on top for what import's
 * --change cannot set on dockerd 20.10 (STOPSIGNAL: systemd halts on SIGRTMIN+3, not SIGTERM).
 * The legacy builder needs no registry for a FROM that is already local.
 */
export async function dockerImport(
  tar: string,
  image: string,
  labels: Record<string, string>,
  progress: (line: string) => void,
): Promise<void> {
  progress(`docker import ${tar} as ${image}`);
  const plain = `${image}-import-${process.pid}`;
  const imported = await execa('docker', ['import', tar, plain], { reject: false, all: true });
  if (imported.exitCode !== 0)
    throw new UserError(
      `\`docker import\` of ${tar} failed: ${String(imported.all).trim()}`,
      ExitCode.missingDependency,
    );
  const dockerfile = [
    `FROM ${plain}`,
    'ENV container=docker',
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'STOPSIGNAL SIGRTMIN+3',
    ...Object.entries(labels).map(([name, value]) => `LABEL ${name}=${value}`),
    'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]',
    '',
  ].join('\n');
  try {
    const built = await execa('docker', ['build', '--quiet', '--tag', image, '-'], {
      input: dockerfile,
      env: { DOCKER_BUILDKIT: '0' },
      reject: false,
      all: true,
    });
    if (built.exitCode !== 0)
      throw new UserError(
        `\`docker build\` of ${image} on top of ${plain} failed: ${String(built.all).trim()}`,
        ExitCode.missingDependency,
      );
  } finally {
    await execa('docker', ['rmi', plain], { reject: false });
  }
}
