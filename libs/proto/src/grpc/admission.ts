import { Client } from '@grpc/grpc-js';
import { AdmissionServiceService, type AdmissionServiceServer } from '../generated/portico/admission/v1/admission';
import type { AdmissionServicePort, Closeable } from '../ports';
import { GrpcCaller, unaryHandler } from './call';
import { clientCredentials, DEFAULT_CHANNEL_OPTIONS, DEFAULT_UNARY_TIMEOUT_MS, type GrpcClientOptions } from './options';

/** AdmissionServicePort over gRPC. */
export function createAdmissionClient(target: string, opts?: GrpcClientOptions): AdmissionServicePort & Closeable {
  const client = new Client(target, clientCredentials(opts), { ...DEFAULT_CHANNEL_OPTIONS, ...opts?.channelOptions });
  const caller = new GrpcCaller(client, opts?.defaultTimeoutMs ?? DEFAULT_UNARY_TIMEOUT_MS);
  const m = AdmissionServiceService;
  return {
    admit: (req, ctx) => caller.unary(m.admit, req, ctx),
    validate: (req, ctx) => caller.unary(m.validate, req, ctx),
    convertObjects: (req, ctx) => caller.unary(m.convertObjects, req, ctx),
    close: async () => client.close(),
  };
}

/** Serves an AdmissionServicePort implementation as portico.admission.v1.AdmissionService. */
export function admissionServiceHandlers(impl: AdmissionServicePort): AdmissionServiceServer {
  return {
    admit: unaryHandler((req, ctx) => impl.admit(req, ctx)),
    validate: unaryHandler((req, ctx) => impl.validate(req, ctx)),
    convertObjects: unaryHandler((req, ctx) => impl.convertObjects(req, ctx)),
  };
}
