import { spawnSync } from 'node:child_process';
import { cpus, release, totalmem, platform, arch, loadavg } from 'node:os';
import { apiVersion } from './api-surface.js';
import { versionOf } from './spawn-process.js';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  os: string;
  /** 1, 5 and 15 minute load averages when the run started: on a shared machine they explain noise. */
  loadAverage?: number[];
  /**
   * NODE_* variables that change what every Node process does before our code runs (e.g.
   * NODE_EXTRA_CA_CERTS makes Node 20 parse the CA bundle at start, ≈50 ms of CPU here), so
   * CLI start-up figures are comparable only between runs with the same set.
   */
  nodeStartupEnv?: string[];
}

const STARTUP_ENV = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'NODE_COMPILE_CACHE'];

export interface Versions {
  node: string;
  /** `rustc --version`, when a Rust toolchain is installed. */
  rust: string | null;
  logsiftApi: string;
  gitCommit: string | null;
  /** True when the working tree had uncommitted changes. */
  gitDirty: boolean | null;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryBytes: totalmem(),
    os: `${platform()} ${release()} ${arch()}`,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    nodeStartupEnv: STARTUP_ENV.filter((name) => process.env[name]),
  };
}

function git(args: string[], cwd: string): string | null {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function versions(cwd: string = process.cwd()): Versions {
  const commit = git(['rev-parse', 'HEAD'], cwd);
  const status = commit ? git(['status', '--porcelain', '--untracked-files=no'], cwd) : null;
  return {
    node: process.version,
    rust: versionOf('rustc') ?? null,
    logsiftApi: apiVersion(),
    gitCommit: commit,
    gitDirty: status === null ? null : status.length > 0,
  };
}
