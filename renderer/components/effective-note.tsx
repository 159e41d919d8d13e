import { channelLabels, type AlertType } from '../../common/alert-types';
import type { Diagnosis } from '../../common/policy/context';
import { routeHash, useRouteStore } from '../routing';

/**
 * The effective value of one alert type, in words, under its switch, from `diagnose`: "Required
 * by Harbor Dental by email", "Off by Harbor Dental", "On: desktop, in-app", or the first thing
 * holding it back now; with "Why?", which opens the full diagnosis for the type.
 */
export function effectiveWords(diagnosis: Diagnosis, businessName: string): string {
  const channelsOf = (list: readonly { channel: keyof typeof channelLabels }[]) =>
    list.map((entry) => channelLabels[entry.channel]).join(', ');
  if (diagnosis.locks.length > 0 && diagnosis.locks.every((lock) => lock.source === 'business')) {
    return `Required by ${businessName} (${channelsOf(diagnosis.locks)})`;
  }
  if (diagnosis.reasons.some((reason) => reason.code === 'typeOffByBusiness')) {
    return `Off by ${businessName}`;
  }
  if (diagnosis.wouldAlert) return `On now: ${channelsOf(diagnosis.channels)}`;
  const first = diagnosis.reasons[0];
  return first ? `Off now: ${first.explanation}` : 'Off now';
}

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
