import { describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS } from './calendar.ts';
import { ACTION_TYPES } from './incident.ts';
import type { ActionType, IncidentState, WorkflowAction } from './incident.ts';
import { allowedActions, escalate, reportIncident, transition } from './state-machine.ts';
import { STAGES } from './stages.ts';
import type { Stage } from './stages.ts';
import {
  assignee,
  COMMUNITY,
  continueWith,
  drive,
  GRID,
  local,
  MON_0900,
  officer1,
  officer2,
  OTHER_COMMUNITY,
  resident,
  stepsTo,
  strangerOfficer,
  subdistrictOfficer,
  testConfig,
  worker1,
  worker2,
} from './test-fixtures.ts';

const config = testConfig();

/** An incident in `stage` reached by the usual path; with `pending`, an extension request awaits a decision. */
function stateIn(stage: Stage, pending = false): { state: IncidentState; at: number } {
  let steps: WorkflowAction[];
  switch (stage) {
    case 'rejected':
      steps = [
        {
          type: 'reject',
          actor: officer1,
          at: MON_0900 + MINUTE_MS,
          reason: 'not a real problem',
          rejection: 'unverified',
        },
      ];
      break;
    case 'returned':
      steps = [
        ...stepsTo('dispatched'),
        { type: 'return', actor: worker1, at: MON_0900 + 15 * MINUTE_MS, reason: 'belongs to the water utility' },
      ];
      break;
    case 'parked':
      steps = [
        ...stepsTo('handling'),
        { type: 'park', actor: officer1, at: MON_0900 + 20 * MINUTE_MS, reason: 'needs road works in spring' },
      ];
      break;
    default:
      steps = stepsTo(stage);
  }
  if (pending)
    steps.push({
      type: 'request_extension',
      actor: worker1,
      at: MON_0900 + 25 * MINUTE_MS,
      reason: 'waiting for a truck',
      extension: { amount: 1, unit: 'days' },
    });
  const { state } = drive(config, {}, steps);
  return { state, at: MON_0900 + 30 * MINUTE_MS };
}

function actionFor(type: ActionType, at: number): WorkflowAction {
  switch (type) {
    case 'file':
      return { type, actor: officer1, at };
    case 'reject':
      return { type, actor: officer1, at, reason: 'same as inc-0', rejection: 'duplicate', duplicateOf: 'inc-0' };
    case 'dispatch':
      return { type, actor: officer1, at, assignee: assignee(worker2) };
    case 'reassign':
      return { type, actor: officer1, at, assignee: assignee(worker2), reason: 'w1 is on leave' };
    case 'accept':
      return { type, actor: worker1, at };
    case 'feedback':
      return { type, actor: worker1, at, reason: 'cleared the heap' };
    case 'return':
      return { type, actor: worker1, at, reason: 'belongs to the water utility' };
    case 'request_extension':
      return { type, actor: worker1, at, reason: 'waiting for a truck', extension: { amount: 2, unit: 'hours' } };
    case 'approve_extension':
      return { type, actor: officer1, at };
    case 'deny_extension':
      return { type, actor: officer1, at, reason: 'the truck is available today' };
    case 'park':
      return { type, actor: officer1, at, reason: 'needs road works in spring' };
    case 'escalate':
      return { type, actor: officer1, at, reason: 'residents have called about it three times' };
    case 'resume':
      return { type, actor: officer1, at };
    case 'rework':
      return { type, actor: officer2, at, reason: 'rubbish still there' };
    case 'close':
      return { type, actor: officer2, at };
    case 'evaluate':
      return { type, actor: officer2, at, rating: 4 };
  }
}

const ALLOWED: Record<ActionType, Partial<Record<Stage, Stage>>> = {
  file: { collected: 'filed' },
  reject: { collected: 'rejected' },
  dispatch: { filed: 'dispatched', returned: 'dispatched' },
  reassign: { dispatched: 'dispatched', handling: 'dispatched' },
  accept: { dispatched: 'handling' },
  feedback: { handling: 'handled' },
  return: { dispatched: 'returned', handling: 'returned' },
  request_extension: { dispatched: 'dispatched', handling: 'handling' },
  approve_extension: { dispatched: 'dispatched', handling: 'handling' },
  deny_extension: { dispatched: 'dispatched', handling: 'handling' },
  park: { dispatched: 'parked', handling: 'parked' },
  escalate: {
    collected: 'collected',
    filed: 'filed',
    returned: 'returned',
    dispatched: 'dispatched',
    handling: 'handling',
    handled: 'handled',
  },
  resume: { parked: 'handling' },
  rework: { handled: 'handling' },
  close: { handled: 'closed' },
  evaluate: { closed: 'evaluated' },
};

describe('transition table', () => {
  const cases = STAGES.flatMap((stage) => ACTION_TYPES.map((action) => [stage, action] as const));

  it.each(cases)('in stage %s, action %s', (stage, action) => {
    const needsPending = action === 'approve_extension' || action === 'deny_extension';
    const { state, at } = stateIn(stage, needsPending && (stage === 'dispatched' || stage === 'handling'));
    expect(state.stage).toBe(stage);
    const result = transition(state, actionFor(action, at), config);
    const expected = ALLOWED[action][stage];
    if (expected) {
      expect(result.ok ? null : result.error).toBeNull();
      if (!result.ok) return;
      expect(result.next.stage).toBe(expected);
      expect(result.event).toMatchObject({
        type: action,
        from: stage,
        to: expected,
        at,
        actor: actionFor(action, at).actor,
      });
      expect(result.event.seq).toBe(state.version + 1);
      expect(result.next.version).toBe(state.version + 1);
    } else {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.code).toBe('stage_forbids');
      expect(result.error.message).toMatch(new RegExp(`^cannot .* incident in stage '${stage}': `));
    }
  });

  it('allowedActions agrees with the table', () => {
    for (const stage of STAGES) {
      const expected = ACTION_TYPES.filter((a) => ALLOWED[a][stage] !== undefined);
      expect(allowedActions(stage).sort()).toEqual([...expected].sort());
    }
  });

  it('terminal stages allow nothing', () => {
    expect(allowedActions('evaluated')).toEqual([]);
    expect(allowedActions('rejected')).toEqual([]);
  });
});

describe('error messages', () => {
  it.each([
    ['filed', 'close', "cannot close incident in stage 'filed': it has not been handled"],
    [
      'dispatched',
      'feedback',
      "cannot give feedback on incident in stage 'dispatched': the assignee has not accepted it yet",
    ],
    ['collected', 'dispatch', "cannot dispatch incident in stage 'collected': it has not been filed"],
    [
      'handling',
      'dispatch',
      "cannot dispatch incident in stage 'handling': it is already dispatched; reassign it instead",
    ],
    ['parked', 'feedback', "cannot give feedback on incident in stage 'parked': it is parked (挂账); resume it first"],
    ['closed', 'rework', "cannot send back for rework incident in stage 'closed': it is already closed"],
    [
      'rejected',
      'file',
      "cannot file incident in stage 'rejected': it was not accepted as a case (不予立案) and is final",
    ],
    ['filed', 'evaluate', "cannot evaluate incident in stage 'filed': it has not been closed"],
    ['handled', 'park', "cannot park incident in stage 'handled': it has already been handled"],
  ] as const)('%s + %s', (stage, action, message) => {
    const { state, at } = stateIn(stage);
    const r = transition(state, actionFor(action, at), config);
    expect(r).toEqual({ ok: false, error: { code: 'stage_forbids', message } });
  });
});

describe('reporting', () => {
  const base = {
    id: 'inc-9',
    categoryCode: '0101',
    jurisdictionPath: COMMUNITY,
    gridCode: GRID,
    source: 'resident' as const,
    at: MON_0900,
  };

  it('opens the incident in collected with the filing clock running', () => {
    const r = reportIncident({ ...base, actor: resident }, config);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.next).toMatchObject({
      stage: 'collected',
      version: 1,
      reportedAt: MON_0900,
      reporter: { id: 'res-1', role: 'resident' },
    });
    expect(r.next.sla).toMatchObject({ phase: 'file', calendar: 'working', dueAt: MON_0900 + HOUR_MS });
    expect(r.event).toMatchObject({ seq: 1, type: 'reported', from: null, to: 'collected', dueAt: MON_0900 + HOUR_MS });
  });

  it('refuses unknown and retired categories', () => {
    expect(reportIncident({ ...base, categoryCode: '0199', actor: resident }, config)).toEqual({
      ok: false,
      error: { code: 'unknown_category', message: "unknown incident category '0199'" },
    });
    const tree = structuredClone(testConfig().categories.get('0101'));
    expect(tree).toBeDefined();
    const retired = new Map(config.categories);
    retired.set('0101', { ...tree!, active: false });
    const r = reportIncident({ ...base, actor: resident }, { ...config, categories: retired });
    expect(r.ok ? null : r.error.message).toBe('category 0101 (Exposed garbage) is retired and takes no new reports');
  });

  it('refuses roles that do not report and staff outside their scope', () => {
    const lab = { id: 'lab-1', role: 'lab' as const, jurisdictionPath: COMMUNITY };
    const r1 = reportIncident({ ...base, actor: lab }, config);
    expect(r1.ok ? null : r1.error.code).toBe('role_forbidden');
    expect(r1.ok ? null : r1.error.message).toMatch(
      /^role 'lab' may not report incidents \(allowed: resident, grid_worker/,
    );
    const stranger = { ...worker1, jurisdictionPath: OTHER_COMMUNITY };
    const r2 = reportIncident({ ...base, actor: stranger }, config);
    expect(r2.ok ? null : r2.error.code).toBe('out_of_scope');
  });

  it('refuses malformed input', () => {
    expect(reportIncident({ ...base, id: ' ', actor: resident }, config).ok).toBe(false);
    const r = reportIncident({ ...base, jurisdictionPath: 'a..b', actor: resident }, config);
    expect(r.ok ? null : r.error.message).toBe("'a..b' is not a jurisdiction path (codes joined by '.')");
    expect(reportIncident({ ...base, at: Number.NaN, actor: resident }, config).ok).toBe(false);
  });
});

describe('who may act', () => {
  it('refuses officers outside the incident jurisdiction and accepts those above it', () => {
    const { state } = drive(config, {}, []);
    const r = transition(state, { type: 'file', actor: strangerOfficer, at: MON_0900 + MINUTE_MS }, config);
    expect(r.ok ? null : r.error).toEqual({
      code: 'out_of_scope',
      message: `community_officer c9 works in ${OTHER_COMMUNITY}; the incident lies in ${COMMUNITY}, outside that scope`,
    });
    expect(transition(state, { type: 'file', actor: subdistrictOfficer, at: MON_0900 + MINUTE_MS }, config).ok).toBe(
      true,
    );
  });

  it('refuses grid workers and residents for officer actions', () => {
    const { state } = drive(config, {}, []);
    const r = transition(state, { type: 'file', actor: worker1, at: MON_0900 + MINUTE_MS }, config);
    expect(r.ok ? null : r.error).toEqual({
      code: 'role_forbidden',
      message:
        "role 'grid_worker' may not file incidents (allowed: community_officer, subdistrict_officer, district_officer)",
    });
    expect(transition(state, { type: 'reject', actor: resident, at: MON_0900, reason: 'spam' }, config).ok).toBe(false);
  });

  it('lets only the assignee accept, give feedback, return or request an extension', () => {
    const { state, at } = stateIn('dispatched');
    for (const type of ['accept', 'return', 'request_extension'] as const) {
      const action = { ...actionFor(type, at), actor: worker2 } as WorkflowAction;
      const r = transition(state, action, config);
      expect(r.ok ? null : r.error.code).toBe('not_assignee');
      expect(r.ok ? null : r.error.message).toMatch(
        /^only the assignee \(staff w1\) may .* this incident; w2 is not assigned to it$/,
      );
    }
  });

  it('dispatches only to handler roles working where the incident is, and to known departments', () => {
    const { state, at } = stateIn('filed');
    const toOfficer = transition(
      state,
      {
        type: 'dispatch',
        actor: officer1,
        at,
        assignee: { id: 'c2', role: 'community_officer', jurisdictionPath: COMMUNITY, department: null },
      },
      config,
    );
    expect(toOfficer.ok ? null : toOfficer.error).toEqual({
      code: 'invalid_assignee',
      message: 'incidents can be dispatched only to grid_worker or health_officer staff; c2 is community_officer',
    });
    const far = transition(
      state,
      { type: 'dispatch', actor: officer1, at, assignee: { ...assignee(worker2), jurisdictionPath: OTHER_COMMUNITY } },
      config,
    );
    expect(far.ok ? null : far.error.code).toBe('invalid_assignee');
    const dept = transition(
      state,
      { type: 'dispatch', actor: officer1, at, assignee: assignee(worker2, 'santitation') },
      config,
    );
    expect(dept.ok ? null : dept.error.message).toMatch(/^unknown department 'santitation' \(known: sanitation, /);
    const health = transition(
      state,
      {
        type: 'dispatch',
        actor: officer1,
        at,
        assignee: { id: 'h1', role: 'health_officer', jurisdictionPath: COMMUNITY, department: 'health_commission' },
      },
      config,
    );
    expect(health.ok).toBe(true);
  });

  it('requires written reasons where the standard does', () => {
    const { state, at } = stateIn('handling');
    for (const type of ['return', 'park', 'feedback', 'reassign'] as const) {
      const action = { ...actionFor(type, at), reason: ' x ' } as WorkflowAction;
      const r = transition(state, action, config);
      expect(r.ok ? null : r.error.code).toBe('reason_required');
    }
    const r = transition(state, { type: 'park', actor: officer1, at }, config);
    expect(r.ok ? null : r.error.message).toBe(
      'to park an incident a written reason is required (at least 2 characters)',
    );
    expect(transition(state, { type: 'park', actor: officer1, at, reason: '季节性' }, config).ok).toBe(true);
  });

  it('refuses actions dated before the last change', () => {
    const { state } = stateIn('filed');
    const r = transition(
      state,
      { type: 'dispatch', actor: officer1, at: MON_0900, assignee: assignee(worker1) },
      config,
    );
    expect(r.ok ? null : r.error.code).toBe('out_of_order');
  });
});

describe('separation of duties', () => {
  // Roles change over time: a grid worker promoted to community officer keeps their id.
  const promoted = { ...worker1, role: 'community_officer' as const };

  it('the verifier is never the handler', () => {
    const { state, at } = stateIn('handled');
    expect(transition(state, { type: 'close', actor: promoted, at }, config)).toEqual({
      ok: false,
      error: { code: 'self_verification', message: 'the verifier must not be the handler (staff w1 handled it)' },
    });
    const rework = transition(state, { type: 'rework', actor: promoted, at, reason: 'not good enough' }, config);
    expect(rework.ok ? null : rework.error.code).toBe('self_verification');
  });

  it('holds even when configuration lets grid workers verify', () => {
    const lenient = testConfig({ roles: { close: ['grid_worker', 'community_officer'] } });
    const { state } = drive(lenient, {}, stepsTo('handled'));
    const at = MON_0900 + HOUR_MS;
    const own = transition(state, { type: 'close', actor: worker1, at }, lenient);
    expect(own.ok ? null : own.error.code).toBe('self_verification');
    const other = transition(state, { type: 'close', actor: worker2, at }, lenient);
    expect(other.ok).toBe(true);
  });

  it('counts every handler across reassignment', () => {
    const steps: WorkflowAction[] = [
      ...stepsTo('handling'),
      { type: 'reassign', actor: officer1, at: MON_0900 + HOUR_MS, assignee: assignee(worker2), reason: 'w1 off sick' },
      { type: 'accept', actor: worker2, at: MON_0900 + 2 * HOUR_MS },
      { type: 'feedback', actor: worker2, at: MON_0900 + 3 * HOUR_MS, reason: 'done' },
    ];
    const { state } = drive(config, {}, steps);
    expect(state.handlerIds).toEqual(['w1', 'w2']);
    const r = transition(state, { type: 'close', actor: promoted, at: MON_0900 + 4 * HOUR_MS }, config);
    expect(r.ok ? null : r.error.message).toBe('the verifier must not be the handler (staff w1 handled it)');
  });

  it('the evaluator is not the handler either', () => {
    const { state, at } = stateIn('closed');
    const r = transition(state, { type: 'evaluate', actor: promoted, at }, config);
    expect(r.ok ? null : r.error.message).toBe('the evaluator must not be the handler (staff w1 handled it)');
  });
});

describe('extensions (延期)', () => {
  const request = (at: number, amount = 1, unit: 'hours' | 'days' = 'days'): WorkflowAction => ({
    type: 'request_extension',
    actor: worker1,
    at,
    reason: 'needs a skip lorry',
    extension: { amount, unit },
  });

  it('extends the deadline when a different officer approves', () => {
    const { state } = drive(config, {}, stepsTo('handling'));
    const due = state.sla!.dueAt;
    // Dispatched Monday 09:10 with 4 working hours: due 14:40 (lunch 12:00–13:30 skipped).
    expect(due).toBe(local(2024, 3, 4, 14, 40));
    const requested = continueWith(config, { state, events: [] }, [request(MON_0900 + HOUR_MS)]);
    expect(requested.state.pendingExtension).toMatchObject({ amount: 1, unit: 'days', requestedBy: 'w1' });
    expect(requested.state.sla!.dueAt).toBe(due);
    const approved = transition(
      requested.state,
      { type: 'approve_extension', actor: officer1, at: MON_0900 + 2 * HOUR_MS },
      config,
    );
    expect(approved.ok).toBe(true);
    if (!approved.ok) return;
    // One working day is 7.5 working hours: Tuesday 14:40.
    expect(approved.next.sla!.dueAt).toBe(local(2024, 3, 5, 14, 40));
    expect(approved.next.sla!.extensions).toEqual([
      {
        amount: 1,
        unit: 'days',
        ms: 7.5 * HOUR_MS,
        requestedBy: 'w1',
        approvedBy: 'c1',
        approvedAt: MON_0900 + 2 * HOUR_MS,
      },
    ]);
    expect(approved.next.pendingExtension).toBeNull();
    expect(approved.event).toMatchObject({
      type: 'approve_extension',
      dueAt: local(2024, 3, 5, 14, 40),
      clockEnded: null,
      extension: { requestedBy: 'w1' },
    });
  });

  it('refuses approval by the requester, by non-officers and without a request', () => {
    const { state } = drive(config, {}, [...stepsTo('handling'), request(MON_0900 + HOUR_MS)]);
    const at = MON_0900 + 2 * HOUR_MS;
    const self = transition(
      state,
      { type: 'approve_extension', actor: { ...worker1, role: 'community_officer' }, at },
      config,
    );
    expect(self.ok ? null : self.error).toEqual({
      code: 'self_approval',
      message: 'the approver must not be the requester (staff w1 requested the extension)',
    });
    const peer = transition(state, { type: 'approve_extension', actor: worker2, at }, config);
    expect(peer.ok ? null : peer.error.code).toBe('role_forbidden');
    const { state: none } = drive(config, {}, stepsTo('handling'));
    const r = transition(none, { type: 'approve_extension', actor: officer1, at }, config);
    expect(r.ok ? null : r.error.code).toBe('no_pending_extension');
  });

  it('a denial needs a reason, keeps the deadline and allows a new request', () => {
    const { state } = drive(config, {}, [...stepsTo('handling'), request(MON_0900 + HOUR_MS)]);
    const at = MON_0900 + 2 * HOUR_MS;
    expect(transition(state, { type: 'deny_extension', actor: officer1, at }, config).ok).toBe(false);
    const denied = transition(
      state,
      { type: 'deny_extension', actor: officer1, at, reason: 'a lorry is free today' },
      config,
    );
    expect(denied.ok).toBe(true);
    if (!denied.ok) return;
    expect(denied.next.sla!.dueAt).toBe(state.sla!.dueAt);
    expect(denied.next.pendingExtension).toBeNull();
    expect(transition(denied.next, request(at + MINUTE_MS), config).ok).toBe(true);
  });

  it('allows one pending request, a limited number per phase, and only before the deadline', () => {
    const { state } = drive(config, {}, [...stepsTo('handling'), request(MON_0900 + HOUR_MS, 1, 'hours')]);
    const twice = transition(state, request(MON_0900 + HOUR_MS), config);
    expect(twice.ok ? null : twice.error.code).toBe('extension_pending');

    const strict = testConfig({ maxExtensionsPerPhase: 1 });
    const once = drive(strict, {}, [
      ...stepsTo('handling'),
      request(MON_0900 + HOUR_MS, 1, 'hours'),
      { type: 'approve_extension', actor: officer1, at: MON_0900 + 2 * HOUR_MS },
    ]);
    const again = transition(once.state, request(MON_0900 + 3 * HOUR_MS), strict);
    expect(again.ok ? null : again.error.message).toBe(
      'the handle limit has already been extended 1 time(s); at most 1 are allowed',
    );

    const { state: handling } = drive(config, {}, stepsTo('handling'));
    const late = transition(handling, request(local(2024, 3, 4, 15, 0)), config);
    expect(late.ok ? null : late.error).toEqual({
      code: 'extension_too_late',
      message: 'an extension must be requested before the deadline; it ran out at 2024-03-04 14:40 UTC+08:00',
    });
    const lenient = testConfig({ extensionBeforeDeadline: false });
    expect(transition(handling, request(local(2024, 3, 4, 15, 0)), lenient).ok).toBe(true);
  });

  it('rejects malformed extension amounts', () => {
    const { state } = drive(config, {}, stepsTo('handling'));
    for (const [amount, unit] of [
      [0, 'hours'],
      [-1, 'days'],
      [0.001, 'hours'],
      [Number.NaN, 'days'],
      [400, 'days'],
    ] as const) {
      const r = transition(state, request(MON_0900 + HOUR_MS, amount, unit), config);
      expect(r.ok ? null : r.error.code).toBe('invalid_input');
    }
    const weird = transition(
      state,
      { ...request(MON_0900 + HOUR_MS), extension: { amount: 1, unit: 'weeks' as 'days' } } as WorkflowAction,
      config,
    );
    expect(weird.ok ? null : weird.error.message).toBe("extension unit must be hours or days, got 'weeks'");
  });

  it('a pending request lapses when the incident is handled, returned, parked or reassigned', () => {
    const { state } = drive(config, {}, [...stepsTo('handling'), request(MON_0900 + HOUR_MS)]);
    const at = MON_0900 + 2 * HOUR_MS;
    for (const action of [
      actionFor('feedback', at),
      actionFor('return', at),
      actionFor('park', at),
      actionFor('reassign', at),
    ]) {
      const r = transition(state, action, config);
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(r.next.pendingExtension).toBeNull();
      expect(r.event.extensionWithdrawn).toBe(true);
    }
  });
});

describe('exception paths', () => {
  it('rework loop: the verifier sends it back, the handling clock restarts, and it can then close', () => {
    const start = drive(config, {}, stepsTo('handled'));
    const reworkAt = local(2024, 3, 4, 16, 0);
    const reworked = continueWith(config, start, [
      { type: 'rework', actor: officer2, at: reworkAt, reason: 'bags still on the kerb' },
    ]);
    expect(reworked.state).toMatchObject({ stage: 'handling', reworkCount: 1, assignee: { id: 'w1' } });
    // 4 working hours from Monday 16:00: 1.5 h Monday + 2.5 h Tuesday from 08:30 → Tuesday 11:00.
    expect(reworked.state.sla).toMatchObject({ phase: 'handle', startedAt: reworkAt, dueAt: local(2024, 3, 5, 11, 0) });
    // Verification was due 11:20 (2 working hours after the 09:20 feedback): the rework came late.
    expect(reworked.events.at(-1)!.clockEnded).toMatchObject({ phase: 'verify', late: true });
    const done = continueWith(config, reworked, [
      { type: 'feedback', actor: worker1, at: local(2024, 3, 5, 9, 0), reason: 'kerb cleared' },
      { type: 'close', actor: officer2, at: local(2024, 3, 5, 10, 0) },
    ]);
    expect(done.state).toMatchObject({ stage: 'closed', closedAt: local(2024, 3, 5, 10, 0), reworkCount: 1 });
    expect(done.events.map((e) => e.to)).toEqual([
      'collected',
      'filed',
      'dispatched',
      'handling',
      'handled',
      'handling',
      'handled',
      'closed',
    ]);
    expect(done.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (let i = 1; i < done.events.length; i++) expect(done.events[i]!.from).toBe(done.events[i - 1]!.to);
  });

  it('parked incidents stop the clock and resume to where they were with a fresh limit', () => {
    const parkedAt = MON_0900 + HOUR_MS;
    const parked = drive(config, {}, [
      ...stepsTo('handling'),
      { type: 'park', actor: officer1, at: parkedAt, reason: 'the kerb is rebuilt in April' },
    ]);
    expect(parked.state).toMatchObject({ stage: 'parked', parkedFrom: 'handling', sla: null });
    expect(parked.events.at(-1)).toMatchObject({
      dueAt: null,
      reason: 'the kerb is rebuilt in April',
      clockEnded: { phase: 'handle', late: false },
    });
    const resumeAt = local(2024, 4, 15, 9, 0);
    const resumed = continueWith(config, parked, [{ type: 'resume', actor: officer1, at: resumeAt }]);
    expect(resumed.state).toMatchObject({ stage: 'handling', parkedFrom: null });
    expect(resumed.state.sla).toMatchObject({
      phase: 'handle',
      startedAt: resumeAt,
      dueAt: local(2024, 4, 15, 14, 30),
    });

    const fromDispatched = drive(config, {}, [
      ...stepsTo('dispatched'),
      { type: 'park', actor: officer1, at: parkedAt, reason: 'seasonal' },
    ]);
    const back = transition(fromDispatched.state, { type: 'resume', actor: officer1, at: resumeAt }, config);
    expect(back.ok ? back.next.stage : null).toBe('dispatched');
  });

  it('a return goes back to the dispatcher with the dispatch clock and can be redispatched', () => {
    const returnedAt = MON_0900 + HOUR_MS;
    const returned = drive(config, {}, [
      ...stepsTo('handling'),
      { type: 'return', actor: worker1, at: returnedAt, reason: 'this is a water leak, not garbage' },
    ]);
    expect(returned.state).toMatchObject({ stage: 'returned', assignee: null, returnCount: 1 });
    expect(returned.state.sla).toMatchObject({ phase: 'dispatch', startedAt: returnedAt, dueAt: returnedAt + HOUR_MS });
    const again = continueWith(config, returned, [
      { type: 'dispatch', actor: officer1, at: returnedAt + 10 * MINUTE_MS, assignee: assignee(worker2) },
    ]);
    expect(again.state).toMatchObject({ stage: 'dispatched', assignee: { id: 'w2' } });
  });

  it('a reassignment keeps the running handling clock', () => {
    const { state } = drive(config, {}, stepsTo('handling'));
    const r = transition(state, actionFor('reassign', MON_0900 + HOUR_MS), config);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.next.sla).toBe(state.sla);
    expect(r.next).toMatchObject({ stage: 'dispatched', assignee: { id: 'w2' } });
    expect(r.event.clockEnded).toBeNull();
    const same = transition(
      state,
      { ...actionFor('reassign', MON_0900 + HOUR_MS), assignee: assignee(worker1) } as WorkflowAction,
      config,
    );
    expect(same.ok ? null : same.error.message).toBe('the incident is already assigned to w1');
  });

  it('rejection records the kind and requires the original for duplicates', () => {
    const { state } = drive(config, {}, []);
    const at = MON_0900 + MINUTE_MS;
    const noOriginal = transition(
      state,
      { type: 'reject', actor: officer1, at, reason: 'duplicate', rejection: 'duplicate' },
      config,
    );
    expect(noOriginal.ok ? null : noOriginal.error.message).toBe(
      'a duplicate must name the incident it duplicates (duplicateOf)',
    );
    const self = transition(
      state,
      { type: 'reject', actor: officer1, at, reason: 'duplicate', rejection: 'duplicate', duplicateOf: 'inc-1' },
      config,
    );
    expect(self.ok).toBe(false);
    const r = transition(
      state,
      { type: 'reject', actor: officer1, at, reason: 'no garbage found on site', rejection: 'unverified' },
      config,
    );
    expect(r.ok ? r.event.rejection : null).toEqual({ kind: 'unverified', duplicateOf: null });
    expect(r.ok ? r.next.closedAt : null).toBe(at);
  });

  it('filing may correct the category, and the new category sets the limits', () => {
    const { state } = drive(config, {}, []);
    const at = MON_0900 + MINUTE_MS;
    const r = transition(state, { type: 'file', actor: officer1, at, categoryCode: '0501' }, config);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.next.categoryCode).toBe('0501');
    expect(r.event.categoryCode).toBe('0501');
    expect(r.next.sla).toMatchObject({ phase: 'dispatch', calendar: 'urgent', dueAt: at + 30 * MINUTE_MS });
    const bad = transition(state, { type: 'file', actor: officer1, at, categoryCode: '9999' }, config);
    expect(bad.ok ? null : bad.error).toEqual({
      code: 'unknown_category',
      message: "unknown incident category '9999'",
    });
  });

  it('evaluation takes an optional 1–5 rating', () => {
    const { state, at } = stateIn('closed');
    expect(transition(state, { type: 'evaluate', actor: officer2, at, rating: 6 }, config).ok).toBe(false);
    expect(transition(state, { type: 'evaluate', actor: officer2, at, rating: 2.5 }, config).ok).toBe(false);
    const r = transition(state, { type: 'evaluate', actor: officer2, at }, config);
    expect(r.ok ? r.event.rating : 'x').toBeUndefined();
  });
});

describe('timeline and purity', () => {
  it('records who, when and why, and marks clocks that ran out', () => {
    const { events } = drive(config, {}, [
      { type: 'file', actor: officer1, at: local(2024, 3, 4, 11, 0), reason: 'confirmed by photo' },
      { type: 'dispatch', actor: officer1, at: local(2024, 3, 4, 11, 10), assignee: assignee(worker1) },
    ]);
    // Reported 09:00, filing limit 1 working hour: due 10:00, filed 11:00 → late.
    expect(events[1]).toMatchObject({
      type: 'file',
      actor: officer1,
      at: local(2024, 3, 4, 11, 0),
      reason: 'confirmed by photo',
      clockEnded: { phase: 'file', dueAt: local(2024, 3, 4, 10, 0), late: true },
    });
    expect(events[2]!.clockEnded).toMatchObject({ phase: 'dispatch', late: false });
    expect(events[2]!.assignee).toEqual(assignee(worker1));
  });

  it('never mutates the incident it is given', () => {
    const { state } = drive(config, {}, stepsTo('handling'));
    const frozen = deepFreeze(structuredClone(state));
    const r = transition(frozen, actionFor('feedback', MON_0900 + HOUR_MS), config);
    expect(r.ok).toBe(true);
    expect(frozen).toEqual(state);
  });
});

describe('escalation (督办)', () => {
  // Dispatched Monday 09:10 with a 4-working-hour limit: due 14:40. Path depth 4 allows 3 levels.
  const { state } = drive(config, {}, stepsTo('handling'));

  it('does nothing before the deadline', () => {
    expect(escalate(state, local(2024, 3, 4, 14, 40), config)).toBeNull();
  });

  it('escalates one level per further limit, up to the root', () => {
    const l1 = escalate(state, local(2024, 3, 4, 14, 41), config);
    expect(l1?.ok && l1.next.escalation).toEqual({
      level: 1,
      jurisdictionPath: '330100.330106.001',
      at: local(2024, 3, 4, 14, 41),
    });
    expect(l1?.ok && l1.event).toMatchObject({
      type: 'escalated',
      actor: { id: 'system', role: 'system' },
      from: 'handling',
      to: 'handling',
      escalation: { fromLevel: 0, level: 1, jurisdictionPath: '330100.330106.001' },
    });
    if (!l1?.ok) return;
    expect(escalate(l1.next, local(2024, 3, 4, 17, 0), config)).toBeNull();
    // Second level after another 4 working hours: 2 h 50 on Monday, 1 h 10 on Tuesday → Tuesday 09:40.
    expect(escalate(l1.next, local(2024, 3, 5, 9, 40), config)).toBeNull();
    const l2 = escalate(l1.next, local(2024, 3, 5, 9, 41), config);
    expect(l2?.ok && l2.next.escalation?.jurisdictionPath).toBe('330100.330106');
    if (!l2?.ok) return;
    const l3 = escalate(l2.next, local(2024, 3, 8, 9, 0), config);
    expect(l3?.ok && l3.next.escalation?.level).toBe(3);
    expect(l3?.ok && l3.next.escalation?.jurisdictionPath).toBe('330100');
    if (!l3?.ok) return;
    expect(escalate(l3.next, local(2024, 6, 1, 9, 0), config)).toBeNull();
  });

  it('jumps several levels when the scanner runs late and resets when a new clock starts', () => {
    const r = escalate(state, local(2024, 3, 11, 9, 0), config);
    expect(r?.ok && r.event.escalation).toEqual({ fromLevel: 0, level: 3, jurisdictionPath: '330100' });
    if (!r?.ok) return;
    const handled = transition(r.next, actionFor('feedback', local(2024, 3, 11, 10, 0)), config);
    expect(handled.ok && handled.next.escalation).toBeNull();
    expect(handled.ok && handled.event.clockEnded?.late).toBe(true);
    const accepted = drive(config, {}, stepsTo('dispatched'));
    const e = escalate(accepted.state, local(2024, 3, 4, 15, 0), config);
    expect(e?.ok).toBe(true);
    if (!e?.ok) return;
    const acc = transition(e.next, actionFor('accept', local(2024, 3, 4, 15, 5)), config);
    expect(acc.ok && acc.next.escalation?.level).toBe(1);
  });

  it('does not escalate parked or closed incidents', () => {
    const { state: parked } = drive(config, {}, [...stepsTo('handling'), actionFor('park', MON_0900 + HOUR_MS)]);
    expect(escalate(parked, local(2024, 5, 1, 9, 0), config)).toBeNull();
    const { state: closed } = drive(config, {}, stepsTo('closed'));
    expect(escalate(closed, local(2024, 5, 1, 9, 0), config)).toBeNull();
  });

  it('lets an officer escalate by hand, one level at a time, without touching the clock', () => {
    const at = MON_0900 + HOUR_MS;
    const r = transition(state, { type: 'escalate', actor: officer1, at, reason: 'third complaint today' }, config);
    expect(r.ok ? null : r.error).toBeNull();
    if (!r.ok) return;
    expect(r.next.escalation).toEqual({ level: 1, jurisdictionPath: '330100.330106.001', at });
    expect(r.next.sla).toEqual(state.sla);
    expect(r.next.stage).toBe('handling');
    expect(r.event).toMatchObject({
      type: 'escalate',
      actor: officer1,
      reason: 'third complaint today',
      escalation: { fromLevel: 0, level: 1, jurisdictionPath: '330100.330106.001' },
      dueAt: state.sla?.dueAt,
      clockEnded: null,
    });
    // The scanner does not repeat level 1 when the deadline passes; it goes on from there one limit later.
    expect(escalate(r.next, local(2024, 3, 4, 15, 0), config)).toBeNull();
    const l2 = escalate(r.next, local(2024, 3, 5, 9, 41), config);
    expect(l2?.ok && l2.event.escalation).toEqual({ fromLevel: 1, level: 2, jurisdictionPath: '330100.330106' });
  });

  it('refuses a manual escalation without a reason, beyond the root, or from outside the scope', () => {
    const noReason = transition(state, { type: 'escalate', actor: officer1, at: MON_0900 + HOUR_MS }, config);
    expect(!noReason.ok && noReason.error.code).toBe('reason_required');
    let s = state;
    for (let i = 0; i < 3; i++) {
      const r = transition(
        s,
        { type: 'escalate', actor: officer1, at: MON_0900 + HOUR_MS + i, reason: 'again' },
        config,
      );
      if (!r.ok) throw new Error(r.error.message);
      s = r.next;
    }
    expect(s.escalation).toMatchObject({ level: 3, jurisdictionPath: '330100' });
    const top = transition(
      s,
      { type: 'escalate', actor: officer1, at: MON_0900 + 2 * HOUR_MS, reason: 'again' },
      config,
    );
    expect(!top.ok && top.error).toEqual({
      code: 'escalation_limit',
      message: 'the incident is already escalated to 330100, the top of its jurisdiction tree',
    });
    const stranger = transition(
      state,
      { type: 'escalate', actor: strangerOfficer, at: MON_0900 + HOUR_MS, reason: 'not mine' },
      config,
    );
    expect(!stranger.ok && stranger.error.code).toBe('out_of_scope');
    const worker = transition(
      state,
      { type: 'escalate', actor: worker1, at: MON_0900 + HOUR_MS, reason: 'help' },
      config,
    );
    expect(!worker.ok && worker.error.code).toBe('role_forbidden');
  });

  it('counts urgent categories around the clock', () => {
    // 0501 water main: handle 3 urgent hours, so a Friday-evening dispatch is due the same night.
    const fri = local(2024, 3, 8, 20, 0);
    const { state: urgent } = drive(config, { category: '0501', at: fri }, [
      { type: 'file', actor: officer1, at: fri + 10 * MINUTE_MS },
      { type: 'dispatch', actor: officer1, at: fri + 20 * MINUTE_MS, assignee: assignee(worker1, 'water_utility') },
    ]);
    expect(urgent.sla).toMatchObject({ calendar: 'urgent', dueAt: fri + 20 * MINUTE_MS + 3 * HOUR_MS });
    const r = escalate(urgent, local(2024, 3, 9, 2, 30), config);
    expect(r?.ok && r.next.escalation?.level).toBe(2);
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
