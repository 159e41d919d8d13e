import type { Database } from 'better-sqlite3';
import { up as up0001 } from './0001-events-and-notifications';
import { up as up0002 } from './0002-preferences-sync';
import { up as up0003 } from './0003-service-decides';
import { up as up0004 } from './0004-preferences-v2';
import { up as up0005 } from './0005-call-states';
import { up as up0006 } from './0006-bounded-costs';
import { up as up0007 } from './0007-in-app-kind';
import { up as up0008 } from './0008-unused-seq-index';
import { up as up0009 } from './0009-popup-marks';

/** One schema step: `version` is what `PRAGMA user_version` reads once it has run. */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

/**
 * Every migration, in order: the one place a new step is listed. Versions increase; never edit a
 * step that has shipped, add the next one.
 */
export const migrations: readonly Migration[] = [
  { version: 1, name: '0001-events-and-notifications', up: up0001 },
  { version: 2, name: '0002-preferences-sync', up: up0002 },
  { version: 3, name: '0003-service-decides', up: up0003 },
  { version: 4, name: '0004-preferences-v2', up: up0004 },
  { version: 5, name: '0005-call-states', up: up0005 },
  { version: 6, name: '0006-bounded-costs', up: up0006 },
  { version: 7, name: '0007-in-app-kind', up: up0007 },
  { version: 8, name: '0008-unused-seq-index', up: up0008 },
  { version: 9, name: '0009-popup-marks', up: up0009 },
];

/** The schema version this build of the app writes. */
export const latestVersion = Math.max(...migrations.map((step) => step.version));
