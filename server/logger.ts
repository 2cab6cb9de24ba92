import pino from 'pino';

export type Logger = pino.Logger;

/** The one logger. Asynchronous destination: no log line is written synchronously on the hot path. */
export function createLogger(level: pino.LevelWithSilent): Logger {
  return pino({ level, base: { service: 'grove' } }, pino.destination({ sync: false, minLength: 0 }));
}
