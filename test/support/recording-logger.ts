import type { Logger } from '../../main/core/ports';

export interface LoggedLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

/** A Logger that keeps every line (a real fake, passed through constructors). */
export function createRecordingLogger(): Logger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const record =
    (level: LoggedLine['level']) => (message: string, fields?: Record<string, unknown>) => {
      lines.push({ level, message, fields });
    };
  return { lines, info: record('info'), warn: record('warn'), error: record('error') };
}
