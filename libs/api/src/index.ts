export * from './meta';
export * from './field-errors';
export * from './status';
