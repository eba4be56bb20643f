// Domain rules fail with a DomainError carrying one problem from this closed list. API surfaces map problems to
// their own wire format; nothing matches on message text.
export type DomainProblem =
  | { code: 'organization_not_found' }
  | { code: 'organization_email_taken' }
  | { code: 'organization_not_deleted' }
  | { code: 'organization_retention_expired'; deletedAt: string }
  | { code: 'api_key_not_found' }
  | { code: 'api_key_revoked' }
  | { code: 'customer_not_found' }
  | { code: 'customer_email_taken'; customerId: string }
  | { code: 'user_email_taken' }
  | { code: 'ticket_not_found' }
  | { code: 'webhook_not_found' }
  | { code: 'alert_not_found' }
  | { code: 'rule_not_found' }
  | { code: 'device_not_found' }
  | { code: 'device_type_required' }
  | { code: 'device_not_assigned'; customerId: string; deviceIdentifier: string; currentDevices: string[] }
  | { code: 'category_name_taken'; name: string }
  | { code: 'invalid_input'; field: string; reason: string };

export type DomainProblemCode = DomainProblem['code'];

export class DomainError<P extends DomainProblem = DomainProblem> extends Error {
  constructor(readonly problem: P) {
    super(problem.code);
    this.name = 'DomainError';
  }
}

export function isDomainError<C extends DomainProblemCode>(
  error: unknown,
  code: C,
): error is DomainError<Extract<DomainProblem, { code: C }>> {
  return error instanceof DomainError && error.problem.code === code;
}
