// The ports each service offers its callers. The service libs implement them in-process; the gRPC
// adapters in this lib implement them over the network. Callers cannot tell the two apart, which is
// what lets `npm start` run every service in one process with the same code above the adapters.
import type {
  AdmissionRequest,
  AdmitResponse,
  ConvertObjectsRequest,
  ConvertObjectsResponse,
  ValidateResponse,
} from './generated/portico/admission/v1/admission';
import type {
  AuthenticateRequest,
  AuthenticateResponse,
  AuthorizeRequest,
  AuthorizeResponse,
  GetServiceAccountIssuerResponse,
  IssueServiceAccountTokenRequest,
  IssueServiceAccountTokenResponse,
  RulesForRequest,
  RulesForResponse,
} from './generated/portico/auth/v1/auth';
import type {
  CreateRequest,
  CreateResponse,
  CurrentRevisionResponse,
  DeleteRequest,
  DeleteResponse,
  GetRequest,
  GetResponse,
  ListRequest,
  ListResponse,
  UpdateRequest,
  UpdateResponse,
  WatchReplayRequest,
  WatchReplayResponse,
} from './generated/portico/storage/v1/storage';

/**
 * What travels with every call: the deadline of the HTTP request that caused it (epoch ms) and a
 * signal that fires when the caller gives up. Trace context travels implicitly (OpenTelemetry
 * context in-process, gRPC metadata over the network).
 */
export interface CallContext {
  deadline?: number;
  signal?: AbortSignal;
}

/**
 * Storage: domain outcomes (not found, already exists, expired) come back as `status` in the
 * response; a rejected promise means the service could not be reached or failed internally.
 */
export interface StorageServicePort {
  get(req: GetRequest, ctx?: CallContext): Promise<GetResponse>;
  list(req: ListRequest, ctx?: CallContext): Promise<ListResponse>;
  create(req: CreateRequest, ctx?: CallContext): Promise<CreateResponse>;
  update(req: UpdateRequest, ctx?: CallContext): Promise<UpdateResponse>;
  delete(req: DeleteRequest, ctx?: CallContext): Promise<DeleteResponse>;
  currentRevision(ctx?: CallContext): Promise<CurrentRevisionResponse>;
  /** Ends with a message carrying caughtUpResourceVersion, or one carrying a 410 status. */
  watchReplay(req: WatchReplayRequest, ctx?: CallContext): AsyncIterable<WatchReplayResponse>;
}

export interface AuthServicePort {
  authenticate(req: AuthenticateRequest, ctx?: CallContext): Promise<AuthenticateResponse>;
  authorize(req: AuthorizeRequest, ctx?: CallContext): Promise<AuthorizeResponse>;
  /** Signs a service-account token; a refused request (e.g. expiration too short) is a status. */
  issueServiceAccountToken(req: IssueServiceAccountTokenRequest, ctx?: CallContext): Promise<IssueServiceAccountTokenResponse>;
  rulesFor(req: RulesForRequest, ctx?: CallContext): Promise<RulesForResponse>;
  getServiceAccountIssuer(ctx?: CallContext): Promise<GetServiceAccountIssuerResponse>;
}

export interface AdmissionServicePort {
  admit(req: AdmissionRequest, ctx?: CallContext): Promise<AdmitResponse>;
  validate(req: AdmissionRequest, ctx?: CallContext): Promise<ValidateResponse>;
  /**
   * Converts custom resources through their CRD's conversion webhook. A failed call or an invalid
   * answer from the webhook is a `status` (500, kube's message), never a rejection.
   */
  convertObjects(req: ConvertObjectsRequest, ctx?: CallContext): Promise<ConvertObjectsResponse>;
}

/** Something that holds connections or timers and must be released. */
export interface Closeable {
  close(): Promise<void>;
}
