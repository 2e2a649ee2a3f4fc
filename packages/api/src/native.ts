import { createRequire } from 'node:module';

/** The native addon's surface as this package uses it (the generated typings stay private). */
export interface NativeToken {
  cancel(): void;
  progress(): number[];
}
export interface NativeInvestigation {
  call(op: string, argsJson: string, token: NativeToken): Promise<string>;
  callSync(op: string, argsJson: string): string;
}
export interface NativeModule {
  CancelToken: new () => NativeToken;
  open(inputs: string[], optionsJson: string, token: NativeToken): Promise<NativeInvestigation>;
  openBytes(name: string, data: Buffer, optionsJson: string, token: NativeToken): Promise<NativeInvestigation>;
  identify(inputs: string[], optionsJson: string): string;
  generate(optionsJson: string): string;
  generateToFile(path: string, optionsJson: string, token: NativeToken): Promise<string>;
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
