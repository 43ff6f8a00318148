import {
  allowedActions,
  open311StatusNotes,
  STAGE_LABELS,
  type CategoryIndex,
  type Stage,
  type TimelineEvent,
} from '../../core/workflow/index.ts';
import type { IncidentListRow, IncidentRow } from './incidents.repository.ts';

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
const FINISHED_OR_PARKED: readonly string[] = ['parked', 'closed', 'evaluated', 'rejected'];

export function presentSummary(row: IncidentListRow | IncidentRow, categories: CategoryIndex, now: Date) {
  const category = categories.get(row.category_code);
  const stage = row.stage as Stage;
  const dueAt = iso(row.due_at);
  return {
    id: row.id,
    categoryCode: row.category_code,
    category: category ? category.name : { 'zh-CN': row.category_code, en: row.category_code },
    stage,
    stageLabel: STAGE_LABELS[stage],
    gridCode: row.grid_code,
    jurisdictionPath: row.jurisdiction_path,
    location: { lat: row.lat, lng: row.lng },
    reportedAt: new Date(row.reported_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    dueAt,
    overdue: dueAt !== null && !FINISHED_OR_PARKED.includes(stage) && new Date(dueAt) < now,
    escalationLevel: row.escalation_level,
    assigneeId: row.assignee_id,
  };
}

/** The full timeline for staff: who, when, why and what it did to the clock. */
function staffTimelineItem(e: TimelineEvent, names: ReadonlyMap<string, string>) {
  return {
    seq: e.seq,
    type: e.type,
    at: new Date(e.at).toISOString(),
    actor: { id: e.actor.id, role: e.actor.role, name: names.get(e.actor.id) ?? null },
    from: e.from,
    to: e.to,
    reason: e.reason,
    dueAt: e.dueAt === null ? null : new Date(e.dueAt).toISOString(),
    clockEnded: e.clockEnded
      ? { phase: e.clockEnded.phase, dueAt: new Date(e.clockEnded.dueAt).toISOString(), late: e.clockEnded.late }
      : null,
    ...(e.assignee
      ? {
          assignee: {
            id: e.assignee.id,
            role: e.assignee.role,
            name: names.get(e.assignee.id) ?? null,
            department: e.assignee.department,
          },
        }
      : {}),
    ...(e.categoryCode ? { categoryCode: e.categoryCode } : {}),
    ...(e.rejection ? { rejection: e.rejection } : {}),
    ...(e.rating !== undefined ? { rating: e.rating } : {}),
    ...(e.escalation ? { escalation: e.escalation } : {}),
    ...(e.extension ? { extension: e.extension } : {}),
    ...(e.extensionWithdrawn ? { extensionWithdrawn: true } : {}),
  };
}

/**
 * The reporter's view of the timeline: what happened and when, in public words. Staff identities and internal
 * reasons stay inside the administration, as in Open311's status notes.
 */
function reporterTimelineItem(e: TimelineEvent) {
  return {
    seq: e.seq,
    type: e.type,
    at: new Date(e.at).toISOString(),
    actor: { role: e.actor.role },
    from: e.from,
    to: e.to,
    note: { 'zh-CN': open311StatusNotes(e.to, 'zh-CN'), en: open311StatusNotes(e.to, 'en') },
  };
}

export interface DetailExtras {
  timeline: TimelineEvent[];
  photos: { n: number; content_type: string; bytes: number; sha256: string }[];
  names: ReadonlyMap<string, string>;
  supporters: number;
  /** Staff see the full record; the reporter sees the public view. */
  view: 'staff' | 'reporter';
  /** The reporter's contact preference, shown to staff who stated a purpose (the read is audited). */
  contact: Record<string, unknown> | null;
}

export function presentIncident(row: IncidentRow, categories: CategoryIndex, now: Date, x: DetailExtras) {
  const staff = x.view === 'staff';
  return {
    ...presentSummary(row, categories, now),
    version: row.version,
    description: row.description,
    address: row.address,
    source: row.source,
    reporter: staff ? { kind: row.reporter_kind, id: row.reporter_id } : null,
    contact: x.contact,
    attributes: (typeof row.attributes === 'string' ? JSON.parse(row.attributes) : row.attributes) as Record<
      string,
      unknown
    >,
    publicNote: row.public_note,
    duplicateOf: row.duplicate_of,
    supporters: x.supporters,
    escalation: row.state.escalation
      ? { ...row.state.escalation, at: new Date(row.state.escalation.at).toISOString() }
      : null,
    pendingExtension:
      staff && row.state.pendingExtension ? ({ ...row.state.pendingExtension } as Record<string, unknown>) : null,
    handlerIds: staff ? [...row.state.handlerIds] : [],
    photos: x.photos.map((p) => ({
      n: p.n,
      contentType: p.content_type,
      bytes: p.bytes,
      sha256: p.sha256,
      url: `/api/v1/incidents/${row.id}/photos/${p.n}`,
    })),
    allowedActions: staff ? allowedActions(row.stage as Stage) : [],
    timeline: x.timeline.map((e) => (staff ? staffTimelineItem(e, x.names) : reporterTimelineItem(e))),
  };
}
