// `portico start`: every service in one process on the embedded store, as `npm start` runs it.
import { e2eSuites } from './suites/all';

e2eSuites('embedded');
