export * from './meta';
export * from './field-errors';
export * from './status';
export * from './validation';
export * from './labels';
export * from './fields';
export * from './names';
