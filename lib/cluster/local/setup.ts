import { execa } from 'execa';
import { missingDependencyError } from '../../errors.js';

/**
 * Debian packages the local provider and the report's browser check need. Installed by the
 * project's own set-up step (as root) when missing, never assumed to be there.
 */
export const DEBIAN_PACKAGES = [
  'containerd', // ctr and, for Kubernetes <= 1.35, the runtime itself
  'runc',
  'containernetworking-plugins',
  'busybox-static', // the test image's sh, sleep, trap, echo, date
  'iptables',
  'iproute2',
  'mount',
  'openssl',
  'gcc',
  'libc6-dev', // static pause binary
  'chromium', // renders the HTML report in the browser test
  'jq', // the kind runc wrapper's unit test runs it (setup --kind installs it for the wrapper itself)
] as const;

export async function missingPackages(packages: readonly string[] = DEBIAN_PACKAGES): Promise<string[]> {
  // One dpkg-query for all (eleven took about a second); it prints what it knows and exits 1 if it
  // does not know some package, which is then missing too.
  const { stdout } = await execa('dpkg-query', ['-W', '-f=${Package}\t${Status}\n', ...packages], {
    reject: false,
  });
  const installed = new Set(
    stdout
      .split('\n')
      .filter((line) => line.includes('install ok installed'))
      .map((line) => line.split('\t')[0]?.split(':')[0]),
  );
  return packages.filter((name) => !installed.has(name));
}

export async function installPackages(
  onProgress: (line: string) => void,
  packages: readonly string[] = DEBIAN_PACKAGES,
): Promise<string[]> {
  const missing = await missingPackages(packages);
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) {
    throw missingDependencyError(
      `Debian packages missing (${missing.join(', ')}); run \`npm run setup\` as root.`,
    );
  }
  onProgress(`installing Debian packages: ${missing.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  await execa('apt-get', ['update', '-q'], { env, stdio: 'inherit', timeout: 10 * 60_000 });
  await execa('apt-get', ['install', '-y', '-q', ...missing], {
    env,
    stdio: 'inherit',
    timeout: 20 * 60_000,
  });
  return missing;
}
