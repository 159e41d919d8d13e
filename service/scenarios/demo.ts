import { defaultRecipient, localTime, nextMorning, type UserPreferences } from '../../common';
import {
  demoAppointmentId,
  demoContacts,
  demoLines,
  demoTimeZone,
  demoUsers,
  laterToday,
} from '../seed';
import type { Scenario, ScenarioStep } from '../scenario-player';

const minute = 60 * 1000;
const agents = [demoUsers.jordan.id, demoUsers.taylor.id];
const admins = [demoUsers.sam.id, demoUsers.alex.id];
const { ann, ben, carla, dev } = demoContacts;

/** Quiet hours from an hour before `now` to four hours after (one window; past midnight if so). */
function quietAroundNow(preferences: UserPreferences, now: number): UserPreferences {
  const hour = 60 * 60 * 1000;
  const start = localTime(now - hour, preferences.timeZone);
  const end = localTime(now + 4 * hour, preferences.timeZone);
  return {
    ...preferences,
    quietHours: {
      ...preferences.quietHours,
      enabled: true,
      windows: [{ day: start.weekday, start: start.clock, end: end.clock }],
    },
  };
}

/**
 * The demo: about a minute of a dental office's day for the demo business. Calls to a personal
 * line and to the Support ring group, a voicemail on the Support Line once Jordan has muted it, a
 * burst of 20 texts in 10 s (the service's high-SMS
 * detector raises one alert at the 16th), voicemails, a fax, a mention, assignments (one by an
 * automated sequence), an appointment an hour ahead (the service raises its reminders), usage at
 * 75/90/100 % (the service raises each threshold once per admin), a failed payment and new leads
 * scored 10 to 95 (Jordan and Sam take leads from 50; Sam's quiet hours hold his pop-ups).
 */
export const demoScenario: Scenario = (now) => {
  const iso = (offset: number) => new Date(now + offset).toISOString();
  const later = laterToday(now);
  const steps: ScenarioStep[] = [
    // Set up as the people would: the owner takes Jordan on for new leads (from a score of 50)
    // and has quiet hours for the next few hours, so the demo shows both holding things back.
    {
      at: 0,
      to: demoUsers.sam.id,
      label: 'Sam adds Jordan to the recipients of new leads (score 50 and up)',
      settings: {
        of: 'businessDefaults',
        change: (defaults) => ({
          ...defaults,
          recipients: [
            ...defaults.recipients.filter((entry) => entry.userId !== demoUsers.jordan.id),
            defaultRecipient(demoUsers.jordan.id),
          ],
        }),
      },
    },
    {
      at: 0,
      to: demoUsers.sam.id,
      label: 'Sam turns on quiet hours from an hour ago to four hours from now',
      settings: { of: 'preferences', change: (preferences) => quietAroundNow(preferences, now) },
    },
    {
      at: 0,
      to: demoUsers.jordan.id,
      label: "Ann Lee calls Jordan's line",
      event: {
        kind: 'call',
        lineId: demoLines.jordan.id,
        from: ann.number,
        contactName: ann.name,
        callId: 'call-demo-1',
        state: 'ringing',
      },
    },
    {
      at: 3_000,
      to: demoUsers.jordan.id,
      label: 'The call ends',
      event: {
        kind: 'call',
        lineId: demoLines.jordan.id,
        from: ann.number,
        contactName: ann.name,
        callId: 'call-demo-1',
        state: 'ended',
      },
    },
    { at: 3_500, to: demoUsers.taylor.id, label: 'Taylor is on a call', onCall: true },
    {
      at: 4_000,
      to: agents,
      label: 'Carla Diaz calls the Support Line (ring group)',
      event: {
        kind: 'call',
        lineId: demoLines.support.id,
        from: carla.number,
        contactName: carla.name,
        callId: 'call-demo-2',
        state: 'ringing',
      },
    },
    {
      at: 7_000,
      to: agents,
      label: 'Carla leaves a voicemail on the Support Line',
      event: {
        kind: 'voicemail',
        lineId: demoLines.support.id,
        from: carla.number,
        contactName: carla.name,
        durationSeconds: 24,
        transcript: 'Hi, this is Carla. I need to move my appointment on Friday, please call back.',
      },
    },
    { at: 7_500, to: demoUsers.taylor.id, label: "Taylor's call ends", onCall: false },
    // The life of a call: a ring-group call Taylor answers (Jordan's pop-up closes, his item says
    // who answered), then a call to Jordan's line nobody answers (its pop-up becomes "Missed call").
    {
      at: 7_600,
      to: agents,
      label: 'Dev Patel calls the Support Line (ring group)',
      event: {
        kind: 'call',
        lineId: demoLines.support.id,
        from: dev.number,
        contactName: dev.name,
        callId: 'call-demo-3',
        state: 'ringing',
      },
    },
    {
      at: 7_900,
      // One change of state: the service sends it to every member who got the call ringing.
      to: demoUsers.taylor.id,
      label: "Taylor answers Dev's call",
      event: {
        kind: 'call',
        lineId: demoLines.support.id,
        from: dev.number,
        contactName: dev.name,
        callId: 'call-demo-3',
        state: 'answered',
        answeredBy: { userId: demoUsers.taylor.id, name: demoUsers.taylor.name },
      },
    },
    {
      at: 8_200,
      to: demoUsers.jordan.id,
      label: "Ben Ortiz calls Jordan's line",
      event: {
        kind: 'call',
        lineId: demoLines.jordan.id,
        from: ben.number,
        contactName: ben.name,
        callId: 'call-demo-4',
        state: 'ringing',
      },
    },
    {
      at: 8_700,
      to: demoUsers.jordan.id,
      label: 'Nobody answers: the call is missed',
      event: {
        kind: 'call',
        lineId: demoLines.jordan.id,
        from: ben.number,
        contactName: ben.name,
        callId: 'call-demo-4',
        state: 'missed',
      },
    },
    {
      at: 8_000,
      to: demoUsers.jordan.id,
      label: "Unknown caller leaves a voicemail on Jordan's line",
      event: {
        kind: 'voicemail',
        lineId: demoLines.jordan.id,
        from: 'anonymous',
        contactName: null,
        durationSeconds: 9,
        transcript: 'Just checking whether you take new patients.',
      },
    },
    {
      at: 9_000,
      to: demoUsers.taylor.id,
      label: "A fax arrives on Taylor's line",
      event: {
        kind: 'fax',
        lineId: demoLines.taylor.id,
        from: dev.number,
        contactName: dev.name,
        pages: 3,
      },
    },
    {
      at: 10_000,
      to: demoUsers.taylor.id,
      label: 'Alex mentions Taylor',
      event: {
        kind: 'mention',
        byName: demoUsers.alex.name,
        conversation: 'Front desk',
        excerpt: '@Taylor can you confirm the insurance for Dev Patel?',
      },
    },
    {
      at: 11_000,
      to: demoUsers.jordan.id,
      label: 'Ben Ortiz is assigned to Jordan',
      event: {
        kind: 'contactAssigned',
        contactId: ben.id,
        contactName: ben.name,
        sequenceName: null,
      },
    },
    {
      at: 12_000,
      to: demoUsers.taylor.id,
      label: 'Dev Patel is assigned to Taylor by a sequence',
      event: {
        kind: 'contactAssigned',
        contactId: dev.id,
        contactName: dev.name,
        sequenceName: 'New patient follow-up',
      },
    },
    {
      at: 13_000,
      to: demoUsers.taylor.id,
      label: "Ann Lee's cleaning is assigned to Taylor",
      event: {
        kind: 'appointmentAssigned',
        appointment: {
          id: demoAppointmentId,
          title: 'Cleaning with Ann Lee',
          startsAt: later.startsAt,
          endsAt: later.endsAt,
          contactName: ann.name,
        },
      },
    },
    {
      at: 14_000,
      to: demoUsers.jordan.id,
      label: 'A reminder is assigned to Jordan',
      event: {
        kind: 'reminderAssigned',
        reminderId: 'reminder-demo-1',
        title: 'Call Ben Ortiz about his X-rays',
        dueAt: iso(30 * minute),
      },
    },
    {
      at: 15_000,
      to: demoUsers.jordan.id,
      label: 'An appointment an hour ahead is booked (its reminders follow)',
      event: {
        kind: 'appointmentCreated',
        appointment: {
          id: 'appt-demo-checkup',
          title: 'Check-up with Ben Ortiz',
          startsAt: iso(61 * minute),
          endsAt: iso(91 * minute),
          contactName: ben.name,
        },
      },
    },
    {
      at: 15_500,
      to: demoUsers.jordan.id,
      label: 'Jordan mutes the Support Line until tomorrow morning',
      settings: {
        of: 'preferences',
        change: (preferences) => ({
          ...preferences,
          mutes: {
            ...preferences.mutes,
            lines: [
              ...preferences.mutes.lines.filter((mute) => mute.lineId !== demoLines.support.id),
              {
                lineId: demoLines.support.id,
                until: new Date(nextMorning(now, demoTimeZone)).toISOString(),
              },
            ],
          },
        }),
      },
    },
    {
      at: 16_000,
      to: agents,
      label: 'Carla leaves another voicemail on the Support Line (Jordan has muted it)',
      event: {
        kind: 'voicemail',
        lineId: demoLines.support.id,
        from: carla.number,
        contactName: carla.name,
        durationSeconds: 12,
        transcript: 'Carla again: Friday afternoon would be best.',
      },
    },
  ];
  // 20 texts in 10 s from one contact through one number on one line.
  for (let index = 0; index < 20; index += 1) {
    steps.push({
      at: 17_000 + index * 500,
      to: demoUsers.jordan.id,
      label: `Ann Lee texts Jordan (${index + 1} of 20)`,
      event: {
        kind: 'text',
        lineId: demoLines.jordan.id,
        from: ann.number,
        contactName: ann.name,
        body: index === 0 ? 'Hi! Quick question about my bill' : `Message ${index + 1}`,
      },
    });
  }
  const included = 1000;
  [750, 900, 1000].forEach((used, index) => {
    steps.push({
      at: 29_000 + index * 2_000,
      to: admins,
      label: `Usage reaches ${(used / included) * 100}%`,
      event: {
        kind: 'usage',
        periodId: 'period-demo',
        usedMinutes: used,
        includedMinutes: included,
      },
    });
  });
  steps.push({
    at: 35_000,
    to: admins,
    label: 'A payment fails',
    event: {
      kind: 'paymentFailed',
      amountCents: 14_900,
      currency: 'USD',
      reason: 'The card on file was declined',
    },
  });
  const leads = ['Priya Shah', 'Tom Becker', 'Lena Novak', 'Marcus Hill', 'Grace Kim'];
  [10, 35, 60, 80, 95].forEach((score, index) => {
    steps.push({
      at: 37_000 + index * 2_000,
      to: '*',
      label: `New lead scored ${score}`,
      event: {
        kind: 'lead',
        leadId: `lead-demo-${index + 1}`,
        name: leads[index] ?? `Lead ${index + 1}`,
        score,
        change: 'new',
      },
    });
  });
  return steps;
};
