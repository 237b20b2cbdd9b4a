import type { ChannelCredentials, ChannelOptions, ServerCredentials } from '@grpc/grpc-js';
import { credentials as grpcCredentials, ServerCredentials as GrpcServerCredentials } from '@grpc/grpc-js';

/**
 * Channel settings for long-lived clients inside a service mesh. grpc-js defaults are tuned for
 * the open internet: a 2-minute maximum reconnect backoff would leave a gateway failing for that
 * long after storage restarts, and the 4 MiB receive limit is smaller than a List of a few
 * thousand objects.
 */
export const DEFAULT_CHANNEL_OPTIONS: ChannelOptions = {
  // Probe idle connections so a peer that vanished (node lost, NAT entry expired) is noticed
  // before the next request or while a WatchReplay stream waits for its next message.
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.initial_reconnect_backoff_ms': 250,
  'grpc.max_reconnect_backoff_ms': 5_000,
  // Lists are bounded by the caller's limit, not by the transport (kube-apiserver's etcd client
  // does the same with MaxCallRecvMsgSize = MaxInt32).
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
  // With a headless Service (one DNS record per replica) every replica gets traffic; with a
  // single address this is the same as pick_first.
  'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  // Channelz keeps per-call counters and traces on every channel and subchannel; nothing in
  // Portico serves or reads channelz, and the bookkeeping is on each write's path.
  'grpc.enable_channelz': 0,
};

export const DEFAULT_SERVER_OPTIONS: ChannelOptions = {
  // Server-side pings find clients that disappeared in the middle of a long stream.
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
  // Clients re-resolve DNS only when a connection ends; ageing connections out makes them find
  // replicas added behind a headless Service. Calls in flight are not cut off (no grace limit).
  'grpc.max_connection_age_ms': 5 * 60_000,
  // Admission requests carry object, oldObject and options: three objects of up to ~1.5 MiB each.
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': -1,
  // As for channels: no channelz service is registered, so its per-call bookkeeping is waste.
  'grpc.enable_channelz': 0,
};

/** Unary calls without a caller deadline get kube-apiserver's default request timeout. */
export const DEFAULT_UNARY_TIMEOUT_MS = 60_000;

export interface GrpcClientOptions {
  /** Defaults to insecure (plaintext), which is only fit for loopback or a mesh that adds mTLS. */
  credentials?: ChannelCredentials;
  /** Merged over DEFAULT_CHANNEL_OPTIONS. */
  channelOptions?: ChannelOptions;
  /** Timeout for unary calls whose CallContext carries no deadline. */
  defaultTimeoutMs?: number;
}

export interface GrpcServerOptions {
  /** Defaults to insecure (plaintext). */
  credentials?: ServerCredentials;
  /** Merged over DEFAULT_SERVER_OPTIONS. */
  serverOptions?: ChannelOptions;
  /** How long close() lets in-flight calls finish before cancelling them. */
  shutdownGraceMs?: number;
}

export function clientCredentials(opts?: GrpcClientOptions): ChannelCredentials {
  return opts?.credentials ?? grpcCredentials.createInsecure();
}

export function serverCredentials(opts?: GrpcServerOptions): ServerCredentials {
  return opts?.credentials ?? GrpcServerCredentials.createInsecure();
}
