import type { Infection } from './model.ts';

export interface TracedCase {
  personId: string;
  infectiousFromMs: number;
  tracedAtMs: number | null;
  firstPositiveSpecimenMs: number;
}

export interface FoundContact {
  personId: string;
  degree: 'close' | 'secondary';
  createdAtMs: number;
  /** The people whose cases found this contact. */
  viaCasesOf: ReadonlySet<string>;
}

export type MissReason = 'case_not_traced' | 'before_infectious_period' | 'outside_contact_window' | 'other';

export interface TracingMetrics {
  /** Infections at a scanned place (both scans exist) whose infector later tested positive. */
  traceable: number;
  found: number;
  /** Found through the infector's own case (not only as a contact of someone else). */
  foundViaInfector: number;
  foundBeforeOwnPositive: number;
  recall: number | null;
  missed: Record<MissReason, number>;
  closeContacts: number;
  closeContactsInfected: number;
  precision: number | null;
  secondaryContacts: number;
  secondaryContactsInfected: number;
}

/**
 * Recall: of the people truly infected at a scanned place by someone who later tested positive, the share that
 * tracing found as a close or secondary contact (and how many of them before their own positive test). Precision:
 * the share of close contacts who were truly infected. Each miss is put down to the first reason that explains it.
 */
export function tracingMetrics(input: {
  infections: readonly Infection[];
  cases: ReadonlyMap<string, TracedCase>;
  contacts: ReadonlyMap<string, FoundContact>;
  infected: ReadonlySet<string>;
  windowMsOf: (placeId: string) => number;
}): TracingMetrics {
  const missed: Record<MissReason, number> = {
    case_not_traced: 0,
    before_infectious_period: 0,
    outside_contact_window: 0,
    other: 0,
  };
  let traceable = 0;
  let found = 0;
  let viaInfector = 0;
  let early = 0;
  for (const e of input.infections) {
    if (!e.placeId || !e.infectorId || !e.bothScanned) continue;
    const source = input.cases.get(e.infectorId);
    if (!source) continue;
    traceable++;
    const contact = input.contacts.get(e.infecteeId);
    if (contact) {
      found++;
      if (contact.viaCasesOf.has(e.infectorId)) viaInfector++;
      const own = input.cases.get(e.infecteeId);
      if (!own || contact.createdAtMs < own.firstPositiveSpecimenMs) early++;
      continue;
    }
    if (source.tracedAtMs === null) missed.case_not_traced++;
    else if (e.infectorArrivalMs! < source.infectiousFromMs) missed.before_infectious_period++;
    else if (Math.abs(e.infectorArrivalMs! - e.infecteeArrivalMs!) > input.windowMsOf(e.placeId))
      missed.outside_contact_window++;
    else missed.other++;
  }
  let close = 0;
  let closeInfected = 0;
  let secondary = 0;
  let secondaryInfected = 0;
  for (const c of input.contacts.values()) {
    if (c.degree === 'close') {
      close++;
      if (input.infected.has(c.personId)) closeInfected++;
    } else {
      secondary++;
      if (input.infected.has(c.personId)) secondaryInfected++;
    }
  }
  return {
    traceable,
    found,
    foundViaInfector: viaInfector,
    foundBeforeOwnPositive: early,
    recall: traceable ? found / traceable : null,
    missed,
    closeContacts: close,
    closeContactsInfected: closeInfected,
    precision: close ? closeInfected / close : null,
    secondaryContacts: secondary,
    secondaryContactsInfected: secondaryInfected,
  };
}
