import type { AlertType } from '../../common/alert-types';
import type { Diagnosis } from '../../common/policy/context';
import { effectiveWords } from '../effective-words';
import { routeHash, useRouteStore } from '../routing';

/**
 * The effective value of one alert type under its switch (`effectiveWords`: "Required by Harbor
 * Dental (email)", "Off by Harbor Dental", "On now: desktop, in-app"), with "Why?", which opens
 * the full diagnosis for the type.
 */
export function EffectiveNote({
  type,
  diagnosis,
  businessName,
}: {
  type: AlertType;
  diagnosis: Diagnosis;
  businessName: string;
}) {
  const go = useRouteStore((state) => state.go);
  return (
    <p className="effective" data-testid={`effective-${type}`}>
      <span>{effectiveWords(diagnosis, businessName)}</span>{' '}
      <a
        href={routeHash({ page: 'activity', why: type })}
        onClick={(event) => {
          event.preventDefault();
          go({ page: 'activity', why: type });
        }}
        data-testid={`why-${type}`}
      >
        Why?
      </a>
    </p>
  );
}
