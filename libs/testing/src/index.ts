export {};
export * from './clients';
