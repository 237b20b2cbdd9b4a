// `portico start-distributed --etcd --nats`: each service its own process, on the run's etcd and NATS.
import { e2eSuites } from './suites/all';

e2eSuites('distributed');
