// pino-roll 4 ships no type declarations: the part of its API the agent uses.
declare module 'pino-roll' {
  interface PinoRollOptions {
    file: string | (() => string);
    size?: string | number;
    frequency?: 'daily' | 'hourly' | number;
    extension?: string;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    symlink?: boolean;
    dateFormat?: string;
    mkdir?: boolean;
    sync?: boolean;
    mode?: number;
    maxLength?: number;
    minLength?: number;
  }
  /** A SonicBoom stream that writes to the current file and rolls it. */
  function pinoRoll(options: PinoRollOptions): Promise<NodeJS.WritableStream & { flush(cb?: (error?: Error) => void): void }>;
  export = pinoRoll;
}
