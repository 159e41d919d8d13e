import { useMemo } from 'react';
import { accountAlertTypes, userAlertTypes } from '../../common/alert-types';
import { useWindowContext } from '../components/use-effective';
import { diagnoseAll } from '../effective';
import {
  AccountSection,
  AppointmentsSection,
  CommunicationSection,
  HighSmsSection,
  LeadsSection,
  UsageSection,
} from '../sections/alert-sections';

/**
 * Alerts: every alert type this person can receive, grouped, each switch with its effective
 * value and a "Why?". Every type is diagnosed once here, by the policy in common/.
 */
export function AlertsPage() {
  const context = useWindowContext();
  const diagnoses = useMemo(
    () => (context ? diagnoseAll([...userAlertTypes, ...accountAlertTypes], context) : null),
    [context],
  );
  if (!context || !diagnoses) return null;
  return (
    <>
      <CommunicationSection diagnoses={diagnoses} />
      <AppointmentsSection diagnoses={diagnoses} />
      <HighSmsSection diagnoses={diagnoses} />
      <LeadsSection diagnoses={diagnoses} context={context} />
      <UsageSection diagnoses={diagnoses} />
      <AccountSection diagnoses={diagnoses} />
    </>
  );
}
