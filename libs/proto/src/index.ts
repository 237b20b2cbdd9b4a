export type { AdmissionServicePort, AuthServicePort, CallContext, Closeable, StorageServicePort } from './ports';
export {
  ExtraValue,
  GroupVersionKind,
  GroupVersionResource,
  ResourceRef,
  Status,
  StatusCause,
  StatusDetails,
  UserInfo,
} from './generated/portico/common/v1/common';
export {
  CreateRequest,
  CreateResponse,
  CurrentRevisionRequest,
  CurrentRevisionResponse,
  DeleteRequest,
  DeleteResponse,
  GetRequest,
  GetResponse,
  ListRequest,
  ListResponse,
  Preconditions,
  UpdateRequest,
  UpdateResponse,
  WatchEvent,
  WatchReplayRequest,
  WatchReplayResponse,
} from './generated/portico/storage/v1/storage';
export {
  AuthenticateRequest,
  AuthenticateResponse,
  AuthorizeRequest,
  AuthorizeResponse,
  BoundObjectReference,
  Decision,
  GetServiceAccountIssuerRequest,
  GetServiceAccountIssuerResponse,
  IssueServiceAccountTokenRequest,
  IssueServiceAccountTokenResponse,
  NonResourceRule,
  ResourceRule,
  RulesForRequest,
  RulesForResponse,
} from './generated/portico/auth/v1/auth';
export {
  AdmissionRequest,
  AdmitResponse,
  ConversionWebhookClientConfig,
  ConversionWebhookService,
  ConvertObjectsRequest,
  ConvertObjectsResponse,
  ValidateResponse,
} from './generated/portico/admission/v1/admission';
export * from './grpc';
export { WatchEventMessage, ProgressMessage } from './generated/portico/watch/v1/watch';
export { BusPayloadTooLargeError, InProcessBus, matches as subjectMatches, progressSubject, watchSubject } from './bus';
export { connectNatsBus, type NatsBusOptions } from './bus-nats';
export type { BusDisruption, BusHeaders, BusMessage, BusSubscription, EventBusPort } from './bus';
