import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** The router's structured logger: JSON lines on stdout, quiet at `info`. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { name: 'sprocket' } });
}

export type { Logger };
