// The Kubernetes protobuf wire codec (`application/vnd.kubernetes.protobuf`) for the built-in kinds.
export type { FieldRow, MessageRow, SpecialKind, ProtoScalar, FieldInfo, MessageInfo } from './table';
export { protobufMessageForKind, protobufMessage, protobufKinds } from './table';
export { decodeProtobufObject, decodeProtobufMessage, protobufMagic, maxProtobufDepth } from './decode';
export type { DecodedProtobufObject, ExpectedKind } from './decode';
export { encodeProtobufObject, encodeProtobufMessage, encodeProtobufList, encodeProtobufWatchEvent } from './encode';
export type { ProtobufList } from './encode';
export { formatGoDuration, parseGoDuration } from './go-values';
