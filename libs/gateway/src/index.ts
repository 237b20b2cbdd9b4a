export { createGateway, maxRequestBodyBytes } from './gateway';
export type { Gateway, GatewayOptions } from './gateway';
export type { ApiResources } from './discovery/api-resources';
export { GenericStore } from './store/generic-store';
export { newRequestInfo } from './request/request-info';
export type { RequestInfo } from './request/request-info';
