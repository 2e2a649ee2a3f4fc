import { spawnSync } from 'node:child_process';
import { cpus, release, totalmem, platform, arch } from 'node:os';
import { apiVersion } from './api-surface.js';
import { versionOf } from './spawn-process.js';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  os: string;
}

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
