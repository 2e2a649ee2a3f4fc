import { createRequire } from 'node:module';

/** The native addon's surface as this package uses it (the generated typings stay private). */
export interface NativeToken {
  cancel(): void;
  progress(): number[];
}
export interface NativeInvestigation {
  call(op: string, argsJson: string, token: NativeToken): Promise<string>;
  callSync(op: string, argsJson: string): string;
  rows(argsJson: string, token: NativeToken, into?: NativeRowBuffers): Promise<NativeRowBatch>;
  sqliteSink(argsJson: string, token: NativeToken, onBatch: (progressJson: string) => void): Promise<string>;
}
/** Arrays the native `rows` fills instead of allocating (reused batch after batch). */
export interface NativeRowBuffers {
  ids: Uint32Array;
  file: Uint32Array;
  line: Uint32Array;
  offset: Float64Array;
  length: Uint32Array;
  ts: BigInt64Array;
  severity: Uint8Array;
  present: Uint16Array;
  ends: Uint32Array;
  text: Buffer;
}
/** A batch of rows as columns (engine `ops::rows`); `RowBatch` wraps it. */
export interface NativeRowBatch extends NativeRowBuffers {
  firstFile: number;
  files: string[];
  done: boolean;
  count: number;
  needText: number;
}
/** A running watch (engine `watch`). */
export interface NativeWatch {
  poll(timeoutMs: number): Promise<string>;
  cancel(): void;
  info(): string;
}
export interface NativeModule {
  CancelToken: new () => NativeToken;
  open(inputs: string[], optionsJson: string, token: NativeToken): Promise<NativeInvestigation>;
  openBytes(name: string, data: Buffer, optionsJson: string, token: NativeToken): Promise<NativeInvestigation>;
  identify(inputs: string[], optionsJson: string): string;
  cacheList(dir?: string | null): string;
  cacheClear(dir?: string | null): string;
  generate(optionsJson: string): string;
  watch(inputs: string[], optionsJson: string): Promise<NativeWatch>;
  tail(inputs: string[], optionsJson: string): Promise<string>;
  generateToFile(path: string, optionsJson: string, token: NativeToken): Promise<string>;
  sqlFile(path: string, argsJson: string, token: NativeToken): Promise<string>;
}

let loaded: NativeModule | undefined;

/** Loads `@logsift/core-native` once, lazily (only this package imports it). */
export function native(): NativeModule {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    loaded = require('@logsift/core-native') as NativeModule;
  }
  return loaded;
}
