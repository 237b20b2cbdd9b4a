/** The Kubernetes version Portico serves the API of (kubectl compares it with its own for skew warnings). */
export const kubernetesVersion = { major: '1', minor: '33', patch: '1' };

export function versionInfo(): Record<string, string> {
  return {
    major: kubernetesVersion.major,
    minor: kubernetesVersion.minor,
    emulationMajor: kubernetesVersion.major,
    emulationMinor: kubernetesVersion.minor,
    minCompatibilityMajor: kubernetesVersion.major,
    minCompatibilityMinor: String(Number(kubernetesVersion.minor) - 1),
    gitVersion: `v${kubernetesVersion.major}.${kubernetesVersion.minor}.${kubernetesVersion.patch}-portico`,
    gitCommit: 'portico',
    gitTreeState: 'clean',
    buildDate: '2026-11-28T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
