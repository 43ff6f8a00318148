const parse = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);
const iso = (v: Date | string | null) => (v ? new Date(v).toISOString() : null);

export function presentAppeal(
  a: {
    id: string;
    person_id: string;
    subject_kind: string;
    fact_id: string | null;
    contested_fact_ids: unknown;
    status_snapshot: unknown;
    statement: string;
    created_at: Date | string;
    deadline_at: Date | string;
    reviewer_id: string | null;
    assigned_at: Date | string | null;
    state: string;
    decided_at: Date | string | null;
    decided_by: string | null;
    decision_reasons: string | null;
    withdrawn_fact_ids: unknown;
  },
  now: Date,
) {
  return {
    id: a.id,
    personId: a.person_id,
    subject: a.subject_kind,
    factId: a.fact_id,
    contestedFactIds: (parse(a.contested_fact_ids) as string[] | null) ?? [],
    status: (parse(a.status_snapshot) as Record<string, unknown> | null) ?? null,
    statement: a.statement,
    filedAt: new Date(a.created_at).toISOString(),
    deadlineAt: new Date(a.deadline_at).toISOString(),
    overdue: a.state === 'open' && new Date(a.deadline_at) < now,
    reviewerId: a.reviewer_id,
    assignedAt: iso(a.assigned_at),
    state: a.state,
    decidedAt: iso(a.decided_at),
    decidedBy: a.decided_by,
    reasons: a.decision_reasons,
    withdrawnFactIds: (parse(a.withdrawn_fact_ids) as string[] | null) ?? [],
  };
}
