// What other tools reuse from the e2e harness (tools/bench starts Portico the same way).
export { freePort, startPortico, testServers, WORKSPACE_ROOT } from './support/portico';
export type { Portico, Shape, StartOptions, StopResult } from './support/portico';
export { rawRequest, readKubeconfig } from './support/https';
export type { KubeconfigCredentials, RawRequest, RawResponse } from './support/https';
export { initCluster, kubeconfigFor, ServiceProcess, startService } from './support/services';
export type { ServiceName } from './support/services';
export { replyJson, startWebhookServer, webhookBase, webhookPki } from './support/webhook-server';
export type { WebhookPki } from './support/webhook-server';
