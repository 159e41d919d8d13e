import defaultBusinessDefaults from './preferences-v1/default-business-defaults.json';
import defaultUserPreferences from './preferences-v1/default-user-preferences.json';
import demoAlex from './preferences-v1/demo-alex-preferences.json';
import demoBusinessDefaults from './preferences-v1/demo-business-defaults.json';
import demoJordan from './preferences-v1/demo-jordan-preferences.json';
import demoSam from './preferences-v1/demo-sam-preferences.json';
import demoTaylor from './preferences-v1/demo-taylor-preferences.json';
import edited from './preferences-v1/edited-jordan-preferences.json';

/**
 * Settings documents as the product stored them before issue 13 (version 1), captured from
 * `defaultUserPreferences()`, `defaultBusinessDefaults()` and the demo service's seed at commit
 * 373b25e, plus one a person had edited (texts on to a custom number, email off, a type off, a
 * line muted). Typed `unknown`: a test parses them, as a store or service reading them would.
 * Used by the migration tests of common/, the companion's store and the service.
 */
export const userPreferencesV1: Readonly<Record<string, unknown>> = {
  default: defaultUserPreferences,
  sam: demoSam,
  alex: demoAlex,
  jordan: demoJordan,
  taylor: demoTaylor,
  edited,
};

export const businessDefaultsV1: Readonly<Record<string, unknown>> = {
  default: defaultBusinessDefaults,
  demo: demoBusinessDefaults,
};

/** A fresh copy of one fixture, to change without touching the others. */
export function fixture(document: unknown): unknown {
  return structuredClone(document);
}
