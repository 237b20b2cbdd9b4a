// k8s parity: DefaultBuildHandlerChain (pkg/server/config.go). Outermost first: audit ID, panic
// recovery, request info, deadline, in-flight limit, authentication, impersonation, authorization,
// body limit.
import type { AuthServicePort } from '@portico/proto';
import type { Logger } from '../logger';
import type { Handler } from './handler';
import { withAuditInit } from './with-audit-init';
import { withAuthentication } from './with-authentication';
import { withAuthorization } from './with-authorization';
import { withImpersonation } from './with-impersonation';
import { withMaxInFlight } from './with-max-in-flight';
import { withObservability } from './with-observability';
import { withPanicRecovery } from './with-panic-recovery';
import { withRequestBody } from './with-request-body';
import { withRequestDeadline } from './with-request-deadline';
import { withRequestInfo } from './with-request-info';

export interface ChainOptions {
  auth: AuthServicePort;
  logger: Logger;
  requestTimeoutMs: number;
  maxRequestBodyBytes: number;
  maxInFlight: { readOnly: number; mutating: number };
}

export function buildHandlerChain(handler: Handler, o: ChainOptions): Handler {
  let h = withRequestBody(handler, o.maxRequestBodyBytes);
  h = withAuthorization(h, o.auth);
  h = withImpersonation(h, o.auth);
  h = withAuthentication(h, o.auth);
  h = withMaxInFlight(h, o.maxInFlight);
  h = withRequestDeadline(h, o.requestTimeoutMs);
  h = withRequestInfo(h);
  h = withObservability(h, o.logger);
  h = withPanicRecovery(h, o.logger);
  return withAuditInit(h);
}
