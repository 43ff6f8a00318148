import type { Principal } from '../../core/policy/roles.ts';
import type { AuditActor } from './audit.repository.ts';

export function actorOf(p: Principal): AuditActor {
  switch (p.kind) {
    case 'staff':
      return { kind: 'staff', id: p.id, role: p.role, scope: p.scopeId };
    case 'resident':
      return { kind: 'resident', id: p.id };
    case 'device':
      return { kind: 'device', id: p.id, role: p.deviceKind, scope: p.scopeId };
    case 'anonymous':
      return { kind: 'system', id: 'anonymous' };
  }
}
