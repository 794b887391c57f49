/** Where exportkit reports what it does. Pino, console and most loggers fit this shape. */
export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The default: warnings and errors to the console, prefixed so they are easy to grep. */
export const consoleLogger: Logger = {
  info: () => {},
  warn: (message, fields) => console.warn(`[exportkit] ${message}`, fields ?? ''),
  error: (message, fields) => console.error(`[exportkit] ${message}`, fields ?? ''),
};
