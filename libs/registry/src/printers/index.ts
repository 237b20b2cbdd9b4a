export * from './types';
export { humanDuration, shortHumanDuration, translateTimestampSince, translateTimestampUntil } from './duration';
export { tableConvertorFor, hasPrinter } from './convertors';
export { defaultTableConvertor } from './default';
export { toTable, parseTableOptions, partialObjectMetadata, TableWatchEncoder, type ToTableOptions, type TableVersion } from './table';
